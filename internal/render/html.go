package render

import (
	"cmp"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/reprint-dev/reprint/internal/model"
)

// The HTML report is one file that needs nothing else: the style sheet is
// embedded, there is no script at all, and a Content-Security-Policy meta
// tag forbids every fetch, so that neither a mistake here nor a hostile
// article can make the page reach the network or run code. Everything from
// the report goes through html/template's contextual escaping.
var (
	//go:embed report.tmpl
	htmlSource string
	//go:embed report.css
	cssSource string

	htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
		"pct":  func(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) },
		"pct0": func(f float64) string { return fmt.Sprintf("%.0f%%", 100*f) },
		"num":  func(n int) string { return groupDigits(n) },
		"add":  func(a, b int) int { return a + b },
	}).Parse(htmlSource))
)

// Limits that keep the HTML report of a large corpus small and quick to
// open: beyond them lists are folded into <details> elements or left to
// the JSON report, and the text of a document appears once, in its own
// view, only when it has a recycled passage.
const (
	htmlMatrixDocs   = 30   // documents in the reuse matrix
	htmlRowsShown    = 100  // table rows shown before "show all"
	htmlAllDocs      = 500  // up to this many documents, list every one
	htmlPairsListed  = 2000 // document pairs listed at all
	htmlVariants     = 6    // distinct copies side by side per cluster
	htmlCopiesShown  = 4    // documents listed per distinct copy before folding
	htmlTreeMaxNodes = 16   // larger derivation trees are listed, not drawn
	htmlEdgesListed  = 40   // derivation edges listed per cluster
)

// HTML writes the report as one self-contained HTML page: a summary, the
// documents with their recycled share, a document × document matrix and a
// table of the pairs, each cluster with its distinct copies side by side
// (edits against the longest copy marked) and its derivation tree as
// inline SVG, and — when the Renderer has Docs — the full text of every
// document with a recycled passage, its passages marked and linked both
// ways. The page makes no network request and runs no script.
func (r Renderer) HTML(w io.Writer, rep *model.Report) error {
	return htmlTemplate.Execute(w, buildPage(newView(rep, r.Docs)))
}

// page is what report.tmpl draws.
type page struct {
	CSS        template.CSS
	Tool       model.Tool
	Params     model.ReportParams
	Documents  int
	Passages   int
	Clusters   int
	Pairs      int
	Share      float64
	Provenance bool
	HasTexts   bool

	DocRows, DocRowsMore []docRow
	DocsUnlisted         int  // documents without recycled text, not listed
	Titles, Sources      bool // whether any listed document has one

	Matrix                 *matrix
	PairRows, PairRowsMore []pairRow
	PairsUnlisted          int

	Cards    []card
	DocViews []docView
	Problems []string
	// Boilerplate is what the detector left out as boilerplate, and
	// HotBuckets its lookups left unlisted (Report.Limits).
	Boilerplate []model.Boilerplate
	HotBuckets  int
}

// docRef is a link to a document: its full view when it has one, else its
// row in the overview.
type docRef struct {
	ID, Href string
}

type docRow struct {
	*page // for the columns shown
	docRef
	Anchor              string
	Title, Source, Date string
	Words, Clusters     int
	Share               float64
	ShareWidth          string // CSS width of the share bar
	HasView             bool
}

type matrix struct {
	Docs    []matrixDoc
	Rows    []matrixRow
	Omitted int // documents with partners left out of the matrix
}

type matrixDoc struct {
	docRef
	N int
}

type matrixRow struct {
	Doc   matrixDoc
	Cells []matrixCell
}

type matrixCell struct {
	Self, Empty bool
	Label       string // whole percent
	Alpha       string // background strength, 0..1
	Title       string
}

type pairRow struct {
	*page      // for the columns shown
	A, B       docRef
	Shared     int
	InB, InA   float64
	Jaccard    string
	Source     *docRef
	SourceProb float64
	// NoSource says why provenance names no source for the pair, when it
	// was computed: neither document is the other's likely source, or it
	// is undetermined.
	NoSource string
}

type card struct {
	Anchor     string
	ID         string
	Spread     int
	Words      int
	Copies     int
	Earliest   *docRef
	EarlyDate  string
	Quotation  bool
	Origin     *originView
	Variants   []variant
	More       []variant
	Tree       *svgTree
	Edges      []edgeRow
	EdgesLeft  int // edges not listed
	Provenance bool
}

type originView struct {
	Doc         *docRef
	Probability float64
	External    float64
	Reasons     []string
}

type variant struct {
	Num        int
	Ref        bool
	Head, Tail bool
	Segs       []seg
	Copies     []copyRef
	MoreCopies []copyRef
	Words      int
}

type seg struct {
	Space bool   // a space before the text
	Op    string // "", "del" or "ins"
	Text  string
}

type copyRef struct {
	docRef
	Num               int
	Date              string
	Line, Start, End  int
	Anchor, PlaceHref string // this copy in the card; its place in the document view
}

type edgeRow struct {
	From, To    string
	Joint       bool // co-derived: From and To both copy an outside source
	Kind        string
	Probability float64
	Reasons     []string
}

type docView struct {
	Anchor, ID, Title, Source, Date, URL string
	Share                                float64
	Words                                int
	Segs                                 []docSeg
}

type docSeg struct {
	Anchors []string // copy anchors that start here
	Text    string
	Href    string // the cluster card of a recycled stretch; "" for plain text
	Title   string
}

func buildPage(v *view) *page {
	rep := v.rep
	pg := &page{
		CSS:        template.CSS(cssSource),
		Tool:       rep.Tool,
		Params:     rep.Params,
		Documents:  len(rep.Documents),
		Passages:   v.passages,
		Clusters:   len(rep.Clusters),
		Pairs:      len(rep.DocPairs),
		Share:      v.share(),
		Provenance: hasProvenance(rep),
		HasTexts:   len(v.docs) > 0,
	}
	// Which documents get a full view: those with a copy, when their
	// text is at hand.
	hasView := make(map[string]bool)
	for _, c := range rep.Clusters {
		for _, p := range c.Passages {
			if _, ok := v.docs[p.Doc]; ok {
				hasView[p.Doc] = true
			}
		}
	}
	ref := func(id string) docRef {
		if i, ok := v.index[id]; ok {
			if hasView[id] {
				return docRef{id, "#d" + strconv.Itoa(i)}
			}
			return docRef{id, "#r" + strconv.Itoa(i)}
		}
		return docRef{ID: id}
	}
	pg.buildDocRows(v, ref, hasView)
	pg.buildMatrix(v, ref)
	pg.buildPairs(v, ref)
	clusters := orderedClusters(rep.Clusters)
	copyAnchors := make(map[string][]copyAt) // doc → its copies, for the views
	for k, c := range clusters {
		pg.Cards = append(pg.Cards, buildCard(v, ref, c, k, copyAnchors))
	}
	for i, d := range rep.Documents {
		if hasView[d.ID] {
			pg.DocViews = append(pg.DocViews, buildDocView(v, i, d, copyAnchors[d.ID]))
		}
	}
	for _, e := range rep.Errors {
		pg.Problems = append(pg.Problems, problem(e))
	}
	if l := rep.Limits; l != nil {
		pg.Boilerplate, pg.HotBuckets = l.Boilerplate, l.HotBuckets
	}
	return pg
}

func (pg *page) buildDocRows(v *view, ref func(string) docRef, hasView map[string]bool) {
	var rows []docRow
	for i, d := range v.rep.Documents {
		if d.ReusedFraction == 0 && len(v.rep.Documents) > htmlAllDocs {
			pg.DocsUnlisted++
			continue
		}
		r := docRow{
			page: pg, docRef: ref(d.ID), Anchor: "r" + strconv.Itoa(i),
			Title: d.Title, Source: d.Source, Date: d.Date,
			Words: d.Words, Clusters: v.clustersOf[d.ID], Share: d.ReusedFraction,
			ShareWidth: strconv.FormatFloat(100*d.ReusedFraction, 'f', 1, 64) + "%",
			HasView:    hasView[d.ID],
		}
		rows = append(rows, r)
	}
	for _, r := range rows {
		pg.Titles = pg.Titles || r.Title != ""
		pg.Sources = pg.Sources || r.Source != ""
	}
	slices.SortStableFunc(rows, func(a, b docRow) int { return -cmp.Compare(a.Share, b.Share) })
	pg.DocRows, pg.DocRowsMore = split(rows, htmlRowsShown)
}

func (pg *page) buildMatrix(v *view, ref func(string) docRef) {
	type deg struct {
		i, partners, words int
	}
	degs := make(map[string]*deg)
	get := func(id string) *deg {
		d, ok := degs[id]
		if !ok {
			d = &deg{i: v.index[id]}
			degs[id] = d
		}
		return d
	}
	cell := make(map[[2]string]model.DocPair)
	for _, dp := range v.rep.DocPairs {
		for _, id := range []string{dp.A, dp.B} {
			d := get(id)
			d.partners++
			d.words += dp.SharedWords
		}
		cell[[2]string{dp.A, dp.B}] = dp
	}
	if len(degs) < 2 {
		return
	}
	var ids []string
	for id := range degs {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int {
		x, y := degs[a], degs[b]
		return cmp.Or(-cmp.Compare(x.partners, y.partners), -cmp.Compare(x.words, y.words), cmp.Compare(x.i, y.i))
	})
	m := &matrix{Omitted: max(0, len(ids)-htmlMatrixDocs)}
	ids = ids[:min(len(ids), htmlMatrixDocs)]
	slices.SortFunc(ids, func(a, b string) int { return cmp.Compare(degs[a].i, degs[b].i) })
	for n, id := range ids {
		m.Docs = append(m.Docs, matrixDoc{ref(id), n + 1})
	}
	for _, row := range m.Docs {
		mr := matrixRow{Doc: row}
		for _, col := range m.Docs {
			if row.ID == col.ID {
				mr.Cells = append(mr.Cells, matrixCell{Self: true})
				continue
			}
			var share float64
			dp, ok := cell[[2]string{row.ID, col.ID}]
			if ok {
				share = dp.ContainmentA
			} else if dp, ok = cell[[2]string{col.ID, row.ID}]; ok {
				share = dp.ContainmentB
			}
			if !ok {
				mr.Cells = append(mr.Cells, matrixCell{Empty: true})
				continue
			}
			mr.Cells = append(mr.Cells, matrixCell{
				Label: fmt.Sprintf("%.0f", 100*share),
				Alpha: strconv.FormatFloat(0.08+0.92*min(1, share), 'f', 2, 64),
				Title: fmt.Sprintf("%s: %.1f%% of it is found in %s (%d shared words, Jaccard %.2f)",
					row.ID, 100*share, col.ID, dp.SharedWords, dp.Jaccard),
			})
		}
		m.Rows = append(m.Rows, mr)
	}
	pg.Matrix = m
}

func (pg *page) buildPairs(v *view, ref func(string) docRef) {
	pairs := slices.Clone(v.rep.DocPairs)
	slices.SortStableFunc(pairs, func(a, b model.DocPair) int { return -cmp.Compare(a.SharedWords, b.SharedWords) })
	if len(pairs) > htmlPairsListed {
		pg.PairsUnlisted = len(pairs) - htmlPairsListed
		pairs = pairs[:htmlPairsListed]
	}
	rows := make([]pairRow, len(pairs))
	for i, dp := range pairs {
		rows[i] = pairRow{
			page: pg, A: ref(dp.A), B: ref(dp.B), Shared: dp.SharedWords,
			InB: dp.ContainmentA, InA: dp.ContainmentB,
			Jaccard: fmt.Sprintf("%.2f", dp.Jaccard),
		}
		if dp.Source != nil {
			s := ref(*dp.Source)
			rows[i].Source, rows[i].SourceProb = &s, dp.SourceProbability
		} else if pg.Provenance {
			rows[i].NoSource = v.noSource(dp.A, dp.B)
		}
	}
	pg.PairRows, pg.PairRowsMore = split(rows, htmlRowsShown)
}

// copyAt is a copy's place in its document, for the document view.
type copyAt struct {
	start, end int // file offsets
	anchor     string
	card       string
	cluster    string
}

func buildCard(v *view, ref func(string) docRef, c model.Cluster, k int, at map[string][]copyAt) card {
	anchor := "k" + strconv.Itoa(k+1)
	cd := card{
		Anchor: anchor, ID: c.ID, Spread: spread(c), Words: clusterWords(c), Copies: len(c.Passages),
		Quotation: c.Quotation, Provenance: c.Origin != nil || len(c.Edges) > 0,
	}
	if c.Earliest != nil {
		e := ref(*c.Earliest)
		cd.Earliest, cd.EarlyDate = &e, v.date(*c.Earliest)
	}
	if o := c.Origin; o != nil {
		ov := &originView{Probability: o.Probability, External: o.ExternalProbability, Reasons: o.Reasons}
		if o.Doc != nil {
			d := ref(*o.Doc)
			ov.Doc = &d
		}
		cd.Origin = ov
	}
	copies := v.copies(c)
	byNum := make(map[int]int) // num of a text's first copy → variant index
	var all []variant
	for _, cv := range copies {
		cr := copyRef{
			docRef: ref(cv.Doc), Num: cv.num, Date: cv.date, Line: cv.Line, Start: cv.Start, End: cv.End,
			Anchor: fmt.Sprintf("%s-%d", anchor, cv.num),
		}
		if _, ok := v.docs[cv.Doc]; ok {
			cr.PlaceHref = "#" + cr.Anchor + "-at"
			at[cv.Doc] = append(at[cv.Doc], copyAt{cv.Start, cv.End, cr.Anchor + "-at", "#" + anchor, c.ID})
		}
		if cv.same != 0 {
			vi := byNum[cv.same]
			all[vi].Copies = append(all[vi].Copies, cr)
			continue
		}
		vr := variant{Num: cv.num, Ref: cv.isRef(), Head: cv.head, Tail: cv.tail, Copies: []copyRef{cr}}
		if cv.isRef() {
			vr.Segs = []seg{{Text: fold(cv.Text)}}
			vr.Words = len(strings.Fields(cv.Text))
		} else {
			vr.Segs = segsOf(cv.diff)
			vr.Words = sameWords(cv.diff)
		}
		byNum[cv.num] = len(all)
		all = append(all, vr)
	}
	for i := range all {
		all[i].Copies, all[i].MoreCopies = split(all[i].Copies, htmlCopiesShown)
	}
	cd.Variants, cd.More = split(all, htmlVariants)
	for i, e := range c.Edges {
		if i == htmlEdgesListed {
			cd.EdgesLeft = len(c.Edges) - i
			break
		}
		cd.Edges = append(cd.Edges, edgeRow{nodeLabel(e.From), nodeLabel(e.To), e.Kind == kindCoDerived, kindLabel(e.Kind), e.Probability, e.Reasons})
	}
	if len(c.Edges) > 0 {
		cd.Tree = layoutTree(c, anchor, ref)
	}
	return cd
}

// segsOf turns diff runs into the spans the template marks up.
func segsOf(rs []run) []seg {
	out := make([]seg, 0, len(rs))
	for i, r := range rs {
		s := seg{Space: i > 0, Text: strings.Join(r.words, " ")}
		switch r.op {
		case opDel:
			s.Op = "del"
		case opIns:
			s.Op = "ins"
		}
		out = append(out, s)
	}
	return out
}

// buildDocView cuts a document's text at every start and end of its
// copies: each piece is plain or recycled (linked to the first cluster
// that covers it), and copy anchors sit where their copies start.
func buildDocView(v *view, i int, d model.DocSummary, copies []copyAt) docView {
	doc := v.docs[d.ID]
	dv := docView{
		Anchor: "d" + strconv.Itoa(i), ID: d.ID, Title: d.Title, Source: d.Source, Date: d.Date,
		URL: doc.URL, Share: d.ReusedFraction, Words: d.Words,
	}
	off := doc.TextOffset
	cuts := []int{0, len(doc.Text)}
	for _, c := range copies {
		cuts = append(cuts, clamp(c.start-off, len(doc.Text)), clamp(c.end-off, len(doc.Text)))
	}
	sort.Ints(cuts)
	cuts = slices.Compact(cuts)
	for k := 0; k+1 < len(cuts); k++ {
		a, b := cuts[k], cuts[k+1]
		s := docSeg{Text: doc.Text[a:b]}
		var names []string
		for _, c := range copies {
			if c.start-off == a {
				s.Anchors = append(s.Anchors, c.anchor)
			}
			if c.start-off <= a && a < c.end-off {
				if s.Href == "" {
					s.Href = c.card
				}
				names = append(names, c.cluster)
			}
		}
		if len(names) > 0 {
			s.Title = "recycled: " + strings.Join(slices.Compact(names), ", ")
		}
		dv.Segs = append(dv.Segs, s)
	}
	return dv
}

func clamp(x, n int) int { return max(0, min(x, n)) }

// split keeps the first n items in front and returns the rest apart.
func split[T any](xs []T, n int) (front, rest []T) {
	if len(xs) <= n {
		return xs, nil
	}
	return xs[:n], xs[n:]
}

// groupDigits writes 12345 as "12,345".
func groupDigits(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + groupDigits(-n)
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
