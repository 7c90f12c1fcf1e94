package render

import (
	"fmt"

	"github.com/reprint-dev/reprint/internal/model"
)

// svgTree is a cluster's derivation tree laid out for inline SVG: nodes in
// layers by depth from the roots, edges as arrows labelled with their kind
// and probability, reasons in each edge's tooltip.
type svgTree struct {
	Width, Height int
	Marker        string // id of the arrow-head marker, unique in the page
	Nodes         []svgNode
	Edges         []svgEdge
}

type svgNode struct {
	X, Y           int // top-left corner; the size is svgNodeW × svgNodeH, set in report.css
	TX, TY         int // label position
	Label, Title   string
	Href           string
	Origin, Extern bool
}

type svgEdge struct {
	X1, Y1, X2, Y2 int
	LX, LY         int // label position
	Label, Title   string
	Weak           bool // probability under one half: drawn dashed
}

// The layout's sizes, in pixels. The node size is also in report.css.
const (
	svgNodeW = 180
	svgNodeH = 32
	svgHGap  = 24
	svgVGap  = 60
	svgPad   = 12
)

// layoutTree lays out c's derivation edges, or returns nil when there are
// none or more than htmlTreeMaxNodes nodes (the edge table still lists
// them).
func layoutTree(c model.Cluster, anchor string, ref func(string) docRef) *svgTree {
	roots, nodes := tree(c)
	if len(nodes) == 0 || len(nodes) > htmlTreeMaxNodes {
		return nil
	}
	depth := make(map[string]int)
	var layers [][]string
	var order []string // the nodes in placing order
	place := func(id string, d int) {
		depth[id] = d
		order = append(order, id)
		for len(layers) <= d {
			layers = append(layers, nil)
		}
		layers[d] = append(layers[d], id)
	}
	// Breadth first from each root, so that a node sits one layer below
	// the parent that reaches it first.
	for _, r := range roots {
		if _, ok := depth[r]; ok {
			continue
		}
		place(r, 0)
		queue := []string{r}
		for len(queue) > 0 {
			id := queue[0]
			queue = queue[1:]
			for _, e := range nodes[id].children {
				if _, ok := depth[e.To]; !ok {
					place(e.To, depth[id]+1)
					queue = append(queue, e.To)
				}
			}
		}
	}
	widest := 0
	for _, l := range layers {
		widest = max(widest, len(l))
	}
	t := &svgTree{
		Width:  2*svgPad + widest*svgNodeW + (widest-1)*svgHGap,
		Height: 2*svgPad + len(layers)*svgNodeH + (len(layers)-1)*svgVGap,
		Marker: anchor + "-arrow",
	}
	origin := ""
	if c.Origin != nil && c.Origin.Doc != nil {
		origin = *c.Origin.Doc
	}
	pos := make(map[string][2]int) // top-left corner
	for d, l := range layers {
		lw := len(l)*svgNodeW + (len(l)-1)*svgHGap
		x0 := (t.Width - lw) / 2
		for k, id := range l {
			x, y := x0+k*(svgNodeW+svgHGap), svgPad+d*(svgNodeH+svgVGap)
			pos[id] = [2]int{x, y}
			n := svgNode{
				X: x, Y: y, TX: x + svgNodeW/2, TY: y + svgNodeH/2 + 4,
				Label:  truncate(nodeLabel(id), 24),
				Origin: id != "" && id == origin, Extern: id == "",
			}
			if n.Label != nodeLabel(id) {
				n.Title = nodeLabel(id) // the whole name, on hover
			}
			if id != "" {
				n.Href = ref(id).Href
			}
			t.Nodes = append(t.Nodes, n)
		}
	}
	for _, id := range order {
		for _, e := range nodes[id].children {
			a, b := pos[id], pos[e.To]
			x1, y1 := a[0]+svgNodeW/2, a[1]+svgNodeH
			x2, y2 := b[0]+svgNodeW/2, b[1]
			if y2 <= y1 { // an edge back up (a cycle or a second parent above): bend it aside
				y2 = b[1] + svgNodeH
			}
			// The reasons are listed under the tree; the tooltip names the edge.
			se := svgEdge{X1: x1, Y1: y1, X2: x2, Y2: y2 - 2, LX: (x1 + x2) / 2, LY: (y1+y2)/2 + 4}
			if e.Bare {
				se.Title = fmt.Sprintf("%s copies %s", nodeLabel(e.To), externalLabel)
			} else {
				se.Label = fmt.Sprintf("%s %.0f%%", e.Kind, 100*e.Probability)
				se.Weak = e.Probability < 0.5
				se.Title = fmt.Sprintf("%s → %s: %s, %s", nodeLabel(id), nodeLabel(e.To), kindLabel(e.Kind), likely(e.Probability))
				if e.With != "" {
					se.Title = fmt.Sprintf("%s and %s both copy %s: %s", nodeLabel(e.With), nodeLabel(e.To), externalLabel, likely(e.Probability))
				}
			}
			t.Edges = append(t.Edges, se)
		}
	}
	return t
}
