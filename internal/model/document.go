package model

// Document is one article. Text is what is compared; byte offsets in a
// Report index into Text, shifted by TextOffset so that they index the file
// as read (see TextOffset).
type Document struct {
	// ID names the document in reports; it must be unique among the
	// documents given to one Detector.
	ID string
	// Path is the file the document came from, if any (informational).
	Path string
	// Text is the article's text.
	Text string
	// TextOffset is the byte offset of Text inside the file as read, for
	// formats where metadata precedes the text (a seed file's " date …"
	// prefix, Markdown front matter). Report offsets are into the file:
	// Text[i] is at file offset TextOffset+i. Zero for JSON Lines and HTML,
	// whose offsets are into the decoded or extracted text.
	TextOffset int
	// LineOffset is the number of lines before Text in the file (the
	// front matter's lines), so that reported line numbers are the file's.
	LineOffset int
	Title      string
	Source     string // the outlet or agency, for example "Reuters"
	URL        string
	Date       Date
}
