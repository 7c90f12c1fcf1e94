package sarif

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/reprint-dev/reprint/audit"
)

// SchemaURI is the JSON schema of SARIF 2.1.0, named in every log.
const SchemaURI = "https://json.schemastore.org/sarif-2.1.0.json"

// Version is the SARIF version written.
const Version = "2.1.0"

// SrcRoot is the uriBaseId that artifact URIs are relative to.
const SrcRoot = "%SRCROOT%"

// FingerprintKey names the partial fingerprint of a result: the passage's
// normalised text, versioned so that a change of method does not match
// old alerts by accident.
const FingerprintKey = "reprintPassage/v1"

// Log is a SARIF log file (spec §3.13, sarifLog).
type Log struct {
	// Schema is the URI of the JSON schema the log conforms to.
	Schema string `json:"$schema"`
	// Version is the SARIF format version, always "2.1.0".
	Version string `json:"version"`
	// Runs holds one run: one invocation of reprint audit.
	Runs []Run `json:"runs"`
}

// Run is one invocation of one tool (§3.14).
type Run struct {
	// Tool describes reprint and its rules.
	Tool Tool `json:"tool"`
	// Invocations says how the run went (one entry).
	Invocations []Invocation `json:"invocations"`
	// OriginalURIBaseIDs maps %SRCROOT% to the absolute directory that
	// artifact URIs are relative to, when known.
	OriginalURIBaseIDs map[string]ArtifactLocation `json:"originalUriBaseIds,omitempty"`
	// Results are the findings, in report order.
	Results []Result `json:"results"`
	// ColumnKind says what a column counts: "utf16CodeUnits" here.
	ColumnKind string `json:"columnKind"`
}

// Tool wraps the tool component that made the run (§3.18).
type Tool struct {
	// Driver is reprint itself.
	Driver ToolComponent `json:"driver"`
}

// ToolComponent describes the analysis tool (§3.19).
type ToolComponent struct {
	// Name is the tool's name, "reprint".
	Name string `json:"name"`
	// Version is reprint's version string.
	Version string `json:"version,omitempty"`
	// InformationURI points to the tool's documentation.
	InformationURI string `json:"informationUri,omitempty"`
	// Rules are the policy's rules; results refer to them by id and index.
	Rules []ReportingDescriptor `json:"rules"`
}

// ReportingDescriptor describes one rule (§3.49).
type ReportingDescriptor struct {
	// ID is the rule's stable identifier, e.g. "uncredited-wire-copy".
	ID string `json:"id"`
	// Name is the rule's identifier in UpperCamelCase, for display.
	Name string `json:"name"`
	// ShortDescription is one sentence saying what the rule finds.
	ShortDescription Message `json:"shortDescription"`
	// FullDescription says it in more words.
	FullDescription Message `json:"fullDescription"`
	// Help tells a reviewer what to do about a result.
	Help Message `json:"help"`
	// DefaultConfiguration gives the rule's default severity.
	DefaultConfiguration ReportingConfiguration `json:"defaultConfiguration"`
	// Properties holds tags for filtering in dashboards.
	Properties *PropertyBag `json:"properties,omitempty"`
}

// ReportingConfiguration is a rule's configuration (§3.50).
type ReportingConfiguration struct {
	// Level is the default level: "error", "warning" or "note".
	Level string `json:"level"`
}

// PropertyBag holds extra properties (§3.8); Tags is its one standard
// member.
type PropertyBag struct {
	// Tags are short labels, unique within the bag.
	Tags []string `json:"tags,omitempty"`
}

// Invocation describes the run's execution (§3.20).
type Invocation struct {
	// ExecutionSuccessful is true when the audit ran to completion,
	// whatever it found.
	ExecutionSuccessful bool `json:"executionSuccessful"`
	// ToolExecutionNotifications report inputs that could not be read
	// and stale baseline entries.
	ToolExecutionNotifications []Notification `json:"toolExecutionNotifications,omitempty"`
}

// Notification is a message about the run rather than the code (§3.58).
type Notification struct {
	// Message says what happened.
	Message Message `json:"message"`
	// Level is "error", "warning" or "note".
	Level string `json:"level"`
	// Locations say where, when it concerns a file.
	Locations []Location `json:"locations,omitempty"`
}

// Message is a plain-text message (§3.11).
type Message struct {
	// Text is the message.
	Text string `json:"text"`
}

// Result is one finding (§3.27).
type Result struct {
	// RuleID is the id of the rule the finding falls under.
	RuleID string `json:"ruleId"`
	// RuleIndex is that rule's index in tool.driver.rules.
	RuleIndex int `json:"ruleIndex"`
	// Level is "error" for a policy violation, "warning" for a counted
	// passage in an article within its allowed share, "note" for the
	// rest.
	Level string `json:"level"`
	// Message says what was recycled from where, and the article's share.
	Message Message `json:"message"`
	// Locations holds the passage's place in the article.
	Locations []Location `json:"locations"`
	// PartialFingerprints identify the passage by its normalised text.
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	// Suppressions record a baseline entry or an inline ignore.
	Suppressions []Suppression `json:"suppressions,omitempty"`
	// Properties carry reprint's own figures for the finding.
	Properties map[string]any `json:"properties,omitempty"`
}

// Location is a place in an artifact (§3.28).
type Location struct {
	// PhysicalLocation is the file and region.
	PhysicalLocation PhysicalLocation `json:"physicalLocation"`
}

// PhysicalLocation is a file and a region in it (§3.29).
type PhysicalLocation struct {
	// ArtifactLocation names the file.
	ArtifactLocation ArtifactLocation `json:"artifactLocation"`
	// Region is the passage; absent for JSON Lines and HTML inputs,
	// whose offsets are into decoded or extracted text.
	Region *Region `json:"region,omitempty"`
}

// ArtifactLocation is a file's URI (§3.4).
type ArtifactLocation struct {
	// URI is relative to URIBaseID when that is set, else absolute.
	URI string `json:"uri"`
	// URIBaseID is %SRCROOT% for files under the root.
	URIBaseID string `json:"uriBaseId,omitempty"`
}

// Region is a span of text (§3.30). Lines and columns are 1-based;
// EndColumn is the column just past the region's last character.
type Region struct {
	// StartLine is the passage's first line.
	StartLine int `json:"startLine"`
	// StartColumn is the column of its first character.
	StartColumn int `json:"startColumn"`
	// EndLine is the line of its last character.
	EndLine int `json:"endLine"`
	// EndColumn is the column just past its last character.
	EndColumn int `json:"endColumn"`
	// Snippet is the passage's text.
	Snippet *ArtifactContent `json:"snippet,omitempty"`
}

// ArtifactContent is a piece of a file's text (§3.3).
type ArtifactContent struct {
	// Text is the content.
	Text string `json:"text"`
}

// Suppression says a result is known and accepted (§3.35).
type Suppression struct {
	// Kind is "external" (a baseline file) or "inSource" (the article's
	// own ignore).
	Kind string `json:"kind"`
	// Justification is the reason given.
	Justification string `json:"justification,omitempty"`
}

// Options configures Build.
type Options struct {
	// Root is the absolute directory that URIs are made relative to (the
	// repository's root); files outside it get absolute file URIs.
	Root string
	// Regions says whether a path's offsets are lines and columns of the
	// file (text and Markdown, not JSON Lines or HTML).
	Regions func(path string) bool
}

// rules are reprint's audit rules, in tool.driver.rules order.
var rules = []ReportingDescriptor{
	{
		ID: audit.RuleUncredited, Name: "UncreditedWireCopy",
		ShortDescription: Message{"Wire-agency text reused without credit."},
		FullDescription: Message{"A passage of the article matches a wire agency's story from the reference corpus, and the article does not credit the agency in the passage's sentence or the sentences around it. " +
			"It violates the policy when such passages make up more of the article than the policy's max_share."},
		Help:                 Message{"Rewrite the passage, quote and credit the agency next to it (for example \"(Reuters)\" or \"according to Reuters\"), or record it in the baseline if the reuse is licensed."},
		DefaultConfiguration: ReportingConfiguration{"error"},
		Properties:           &PropertyBag{Tags: []string{"editorial", "wire-copy"}},
	},
	{
		ID: audit.RuleAttributed, Name: "AttributedWireCopy",
		ShortDescription:     Message{"Wire-agency text reused with credit."},
		FullDescription:      Message{"A passage of the article matches a wire agency's story and the article credits the agency next to it. It counts against the policy only when the policy does not allow attributed reuse."},
		Help:                 Message{"Nothing to do if credited reuse is allowed; otherwise rewrite the passage."},
		DefaultConfiguration: ReportingConfiguration{"note"},
		Properties:           &PropertyBag{Tags: []string{"editorial", "wire-copy"}},
	},
	{
		ID: audit.RuleRecycled, Name: "RecycledText",
		ShortDescription:     Message{"Text shared with a reference document that is not a wire source."},
		FullDescription:      Message{"A passage of the article matches a reference document whose source is not in the policy's wire list. It is reported for information and never counts against the policy."},
		Help:                 Message{"Informational."},
		DefaultConfiguration: ReportingConfiguration{"note"},
		Properties:           &PropertyBag{Tags: []string{"editorial"}},
	},
}

// Build turns an audit report into a SARIF log.
func Build(rep *audit.Report, o Options) *Log {
	run := Run{
		Tool: Tool{Driver: ToolComponent{
			Name: "reprint", Version: rep.Tool.Version,
			InformationURI: "https://github.com/reprint-dev/reprint", Rules: rules,
		}},
		Invocations: []Invocation{{ExecutionSuccessful: true}},
		Results:     []Result{},
		ColumnKind:  "utf16CodeUnits",
	}
	if o.Root != "" {
		run.OriginalURIBaseIDs = map[string]ArtifactLocation{SrcRoot: {URI: dirURI(o.Root)}}
	}
	ruleIndex := map[string]int{}
	for i, r := range rules {
		ruleIndex[r.ID] = i
	}
	for _, a := range rep.Articles {
		loc := artifact(a.Path, a.ID, o.Root)
		for _, f := range a.Findings {
			res := Result{
				RuleID: f.Rule, RuleIndex: ruleIndex[f.Rule], Level: level(f),
				Message:             Message{message(a, f, rep.Policy)},
				PartialFingerprints: map[string]string{FingerprintKey: f.Fingerprint},
				Properties: map[string]any{
					"reference": f.Reference.ID, "words": f.Words, "share": f.Share,
					"articleCountedShare": a.CountedShare, "byteStart": f.Start, "byteEnd": f.End,
					"attributed": f.Attributed,
				},
			}
			pl := PhysicalLocation{ArtifactLocation: loc}
			if o.Regions == nil || o.Regions(a.Path) {
				pl.Region = &Region{StartLine: f.Line, StartColumn: f.Column, EndLine: f.EndLine, EndColumn: f.EndColumn,
					Snippet: &ArtifactContent{f.Text}}
			}
			res.Locations = []Location{{PhysicalLocation: pl}}
			switch {
			case f.Suppressed == "baseline":
				res.Suppressions = []Suppression{{Kind: "external", Justification: "known finding in the baseline file"}}
			case f.Suppressed != "":
				res.Suppressions = []Suppression{{Kind: "inSource", Justification: a.Ignored}}
			}
			run.Results = append(run.Results, res)
		}
	}
	inv := &run.Invocations[0]
	for _, e := range rep.Errors {
		lvl := "error"
		if e.Warning {
			lvl = "warning"
		}
		n := Notification{Message: Message{e.Error}, Level: lvl}
		if e.Path != "" && e.Path != "-" {
			n.Locations = []Location{{PhysicalLocation: PhysicalLocation{ArtifactLocation: artifact(e.Path, e.Path, o.Root)}}}
		}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
	}
	for _, s := range rep.Stale {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, Notification{
			Message: Message{fmt.Sprintf("stale baseline entry: %s no longer holds passage %s (%q)", s.Article, s.Fingerprint, s.Excerpt)},
			Level:   "note",
		})
	}
	return &Log{Schema: SchemaURI, Version: Version, Runs: []Run{run}}
}

// Write writes the SARIF log of rep to w, indented.
func Write(w io.Writer, rep *audit.Report, o Options) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(Build(rep, o))
}

func level(f audit.Finding) string {
	switch {
	case f.Violation:
		return "error"
	case f.Counted:
		return "warning"
	}
	return "note"
}

func message(a audit.Article, f audit.Finding, p audit.Policy) string {
	ref := f.Reference.ID
	var about []string
	if f.Reference.Source != "" {
		about = append(about, f.Reference.Source)
	}
	if f.Reference.Title != "" {
		about = append(about, fmt.Sprintf("%q", f.Reference.Title))
	}
	if f.Reference.Date != "" {
		about = append(about, f.Reference.Date)
	}
	if len(about) > 0 {
		ref += " (" + strings.Join(about, ", ") + ")"
	}
	var s string
	switch f.Rule {
	case audit.RuleUncredited:
		s = fmt.Sprintf("%d words match %s with no credit to the agency nearby.", f.Words, ref)
	case audit.RuleAttributed:
		s = fmt.Sprintf("%d words match %s, credited as %q.", f.Words, ref, f.Attribution)
	default:
		s = fmt.Sprintf("%d words match %s.", f.Words, ref)
	}
	if f.Counted || f.Suppressed != "" {
		s += fmt.Sprintf(" Counted wire copy makes up %.0f%% of the article; the policy allows %.0f%%.", 100*a.CountedShare, 100*p.MaxShare)
	}
	if f.Suppressed != "" {
		s += " Suppressed: " + f.Suppressed + "."
	}
	return s
}

// artifact returns the location of a file: relative to root under
// %SRCROOT% when inside it, else an absolute file URI; for standard input
// or a path-less document, the document id.
func artifact(path, id, root string) ArtifactLocation {
	if path == "" || path == "-" {
		return ArtifactLocation{URI: (&url.URL{Path: id}).EscapedPath()}
	}
	abs, err := filepath.Abs(path)
	if err == nil && root != "" {
		if rel, err := filepath.Rel(root, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return ArtifactLocation{URI: (&url.URL{Path: filepath.ToSlash(rel)}).EscapedPath(), URIBaseID: SrcRoot}
		}
	}
	if err != nil {
		abs = path
	}
	return ArtifactLocation{URI: (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()}
}

func dirURI(dir string) string {
	p := filepath.ToSlash(dir)
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}
