// Package credit finds the words that credit a news outlet as the source
// of a text: "(Reuters) -", "according to the Associated Press", "Reuters
// reported", "told the BBC". It holds the one table of outlets and their
// other names, and the one grammar of credits, that reprint's audit (is
// this wire copy credited to its agency?) and its provenance model (does
// one copy credit another's source?) share; each passes the window of
// text it looks in.
package credit

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// outlets are the news organisations a credit is recognised to without
// being named by the caller, each with its other names; the first name is
// the one the outlet goes by.
var outlets = [][]string{
	{"Reuters", "Reuter", "Thomson Reuters"},
	{"AP", "Associated Press", "The Associated Press"},
	{"AFP", "Agence France-Presse", "Agence France Presse"},
	{"UPI", "United Press International"},
	{"dpa", "DPA", "Deutsche Presse-Agentur"},
	{"Bloomberg", "Bloomberg News"},
	{"Xinhua", "Xinhua News Agency"},
	{"EFE", "Agencia EFE"},
	{"ANSA"},
	{"PA", "Press Association", "PA Media"},
	{"Kyodo", "Kyodo News"},
	{"TASS"},
	{"Dow Jones"},
	{"BBC"},
	{"CNN"},
	{"Fox News"},
	{"ITV"},
	{"Sky News"},
	{"Channel 4", "Channel 4 News"},
	{"NBC"},
	{"CBS"},
	{"ABC News"},
	{"NPR"},
	{"New York Times"},
	{"Washington Post"},
	{"Wall Street Journal"},
	{"USA Today"},
	{"Financial Times"},
	{"Guardian"},
	{"Daily Mail"},
	{"Telegraph"},
	{"Independent"},
	{"London Standard"},
	{"Evening Standard"},
	{"Breitbart"},
	{"Politico"},
	{"Axios"},
	{"Al Jazeera"},
}

// group returns the names of the outlet that name (without regard to case
// or a leading "The ") stands for, nil when the table does not know it.
func group(name string) []string {
	name = strings.TrimSpace(name)
	for _, try := range []string{name, trimThe(name)} {
		for _, g := range outlets {
			if slices.ContainsFunc(g, func(n string) bool { return strings.EqualFold(n, try) }) {
				return g
			}
		}
	}
	return nil
}

// spelledAs returns the names of the outlet that the table spells name
// for, exactly, or nil.
func spelledAs(name string) []string {
	for _, g := range outlets {
		if slices.Contains(g, name) {
			return g
		}
	}
	return nil
}

func trimThe(s string) string {
	if len(s) > 4 && strings.EqualFold(s[:4], "the ") {
		return s[4:]
	}
	return s
}

// Canonical returns the name an outlet goes by: "AP" for "the Associated
// Press", "Reuters" for "Reuter". A name the table does not know comes
// back trimmed of spaces.
func Canonical(name string) string {
	if g := group(name); g != nil {
		return g[0]
	}
	return strings.TrimSpace(name)
}

// Key is the form that every name of one outlet shares: its canonical
// name, without a leading "The ", in lower case.
func Key(name string) string {
	return strings.ToLower(trimThe(Canonical(name)))
}

// Same reports whether two names stand for one outlet. An empty name
// stands for none.
func Same(a, b string) bool {
	return strings.TrimSpace(a) != "" && strings.TrimSpace(b) != "" && Key(a) == Key(b)
}

// A Credit is a passage that credits an outlet as the source of the text
// around it.
type Credit struct {
	// Outlet is the canonical name of the outlet credited.
	Outlet string
	// Name is the outlet as the credit names it: Outlet when the text
	// spells one of the table's names as the table does ("Associated
	// Press"), else the text's own spelling ("reuters").
	Name string
	// Start and End are the credit's bytes in the window searched:
	// "(Reuters)", "according to the Associated Press", "Reuters
	// reported".
	Start, End int
}

// Matcher finds credits to a set of outlets. It is safe for concurrent
// use.
type Matcher struct {
	spellings []spelling
}

// spelling is one way a text names an outlet.
type spelling struct {
	text   string
	fold   bool // matched without regard to case
	outlet string
}

// New returns a Matcher of credits to the outlets names (with the other
// names the table gives them) and, with known, to every outlet of the
// table. A name the caller gives, and the other names of its outlet,
// match without regard to case when longer than three bytes (a short one,
// "AP", must keep its capitals); the rest of the table matches as
// written, so that "independent analysts" is no credit to the
// Independent.
func New(names []string, known bool) *Matcher {
	m := &Matcher{}
	add := func(text string, fold bool, outlet string) {
		if strings.TrimSpace(text) == "" {
			return
		}
		fold = fold && len(text) > 3
		for i, s := range m.spellings {
			if s.text == text {
				m.spellings[i].fold = s.fold || fold
				return
			}
		}
		m.spellings = append(m.spellings, spelling{text: text, fold: fold, outlet: outlet})
	}
	for _, n := range names {
		n = strings.TrimSpace(n)
		add(n, true, Canonical(n))
		for _, alias := range group(n) {
			add(alias, true, Canonical(n))
		}
	}
	if known {
		for _, g := range outlets {
			for _, alias := range g {
				add(alias, false, g[0])
			}
		}
	}
	return m
}

// The grammar of credits, around an outlet's name; all of it matches
// without regard to case. A bare preposition ("by Reuters", "to
// Reuters"), a name in parentheses inside a sentence ("the Popular
// Alliance (AP) party") or before a slash ("a New York Times/CBS poll") is no credit: "owned by
// Reuters", "a reply to Reuters".
var (
	// creditBefore matches the words before the name: "according to
	// (the)", "told", "reported by", "via", "courtesy of", "credit:"; or
	// a dash that starts a byline ("— AP").
	creditBefore = regexp.MustCompile(`(?i)(?:\b(?:according to|reported by|reporting by|report by|reports from|told|tells|speaking to|speaking with|speaking on|interview with|interview on|comments on|comments to|appearing on|said on|said to|via|courtesy of|cited by|quoted by|citing|credit:|source:)\s+(?:the\s+)?|(?:^|\s)[—–-]\s*)$`)
	// creditAfter matches the words after it: "reported", "'s news
	// agency said", ") -" of a dateline ("BAHIA (Reuters) -"), ")" that
	// ends a sentence ("… in May (Reuters)."), " - " ("AP - "), "'s
	// report".
	creditAfter = regexp.MustCompile(`(?i)^(?:(?:'s)?\s+(?:(?:news\s+)?agency\s+)?(?:reported|reports|reporting|said|says|wrote|writes|contributed|news agency|newswire|wire service|quoted|cited|learned)\b|\)\s*(?:[-–—]|[.;]|$)|\s+[-–—]\s|'s\s+(?:report|reporting|story))`)
	// openParen matches the parenthesis that opens a credit.
	openParen = regexp.MustCompile(`\(\s*$`)
)

// Find returns the credits in window, one for each mention of an outlet
// that the words around it make a credit, in the order of the mentions.
// A credit runs from its first word to its last: for "according to the
// AP" from "according", for "(Reuters) -" from the parenthesis.
func (m *Matcher) Find(window string) []Credit {
	var out []mention
	for _, s := range m.spellings {
		for from := 0; from < len(window); {
			k := index(window[from:], s.text, s.fold)
			if k < 0 {
				break
			}
			a, b := from+k, from+k+len(s.text)
			from = b
			if !IsWord(window, a, b) {
				continue
			}
			if c, ok := credit(window, a, b); ok {
				c.Outlet, c.Name = s.outlet, window[a:b]
				if g := spelledAs(trimThe(c.Name)); g != nil {
					c.Name = g[0]
				}
				out = append(out, mention{c, a, b})
			}
		}
	}
	// A mention inside a longer one ("Associated Press" of "the
	// Associated Press", "Channel 4" of "Channel 4 News") gives way to
	// it.
	slices.SortFunc(out, func(x, y mention) int {
		return cmp.Or(cmp.Compare(x.a, y.a), cmp.Compare(y.b, x.b))
	})
	var credits []Credit
	end := -1
	for _, m := range out {
		if m.b > end {
			credits = append(credits, m.Credit)
			end = m.b
		}
	}
	slices.SortStableFunc(credits, func(x, y Credit) int { return cmp.Compare(x.Start, y.Start) })
	return credits
}

// mention is a credit and the bounds of the outlet's name in it.
type mention struct {
	Credit
	a, b int
}

// credit reports whether the name at window[a:b] is credited by the words
// around it, and the credit's bounds: from the first word of the words
// before it when they credit it, else from the name (or the parenthesis
// that opens it) to the end of the words after it.
func credit(window string, a, b int) (Credit, bool) {
	if loc := creditBefore.FindStringIndex(window[:a]); loc != nil {
		start := loc[0]
		for start < a && unicode.IsSpace(rune(window[start])) { // the space before a dash
			start++
		}
		return Credit{Start: start, End: b}, true
	}
	end := creditAfter.FindStringIndex(window[b:])
	if end == nil {
		return Credit{}, false
	}
	if window[b] == ')' { // "(Reuters) -", "(Reuters)."
		if loc := openParen.FindStringIndex(window[:a]); loc != nil {
			return Credit{Start: loc[0], End: b + 1}, true
		}
	}
	return Credit{Start: a, End: b + end[1]}, true
}

// index returns the first index of sub in s, without regard to case when
// fold is set, or -1.
func index(s, sub string, fold bool) int {
	if !fold {
		return strings.Index(s, sub)
	}
	n := len(sub)
	for i := 0; i+n <= len(s); i++ {
		if strings.EqualFold(s[i:i+n], sub) {
			return i
		}
	}
	return -1
}

// IsWord reports whether s[a:b] stands as a whole word or words: no
// letter or digit touches it on either side. It is how a mention of an
// outlet is told from part of a longer word ("Reutersville").
func IsWord(s string, a, b int) bool {
	if a > 0 {
		r, _ := utf8.DecodeLastRuneInString(s[:a])
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return false
		}
	}
	if b < len(s) {
		r, _ := utf8.DecodeRuneInString(s[b:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return false
		}
	}
	return true
}
