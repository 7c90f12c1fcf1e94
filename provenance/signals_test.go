package provenance

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint/internal/credit"
	"github.com/reprint-dev/reprint/minhash"
)

// span returns the offsets of the first occurrence of sub in text.
func span(t *testing.T, text, sub string) (int, int) {
	t.Helper()
	i := strings.Index(text, sub)
	require.GreaterOrEqual(t, i, 0, "%q not in %q", sub, text)
	return i, i + len(sub)
}

func tokensOf(text string) []token {
	var tk minhash.Tokenizer
	return compactTokens(tk.Tokens(nil, text))
}

func TestCompareDates(t *testing.T) {
	day := func(s string) Date {
		tm, _ := time.Parse("2006-01-02", s)
		return Date{Time: tm, Granularity: GranularityDay}
	}
	minute := func(s string) Date {
		tm, _ := time.Parse("2006-01-02T15:04", s)
		return Date{Time: tm, Granularity: GranularityMinute}
	}
	tests := []struct {
		name  string
		a, b  Date
		sign  int
		hours float64
		g     Granularity
		ok    bool
	}{
		{"earlier minute", minute("2017-06-09T10:00"), minute("2017-06-09T13:00"), -1, 3, GranularityMinute, true},
		{"later minute", minute("2017-06-09T13:30"), minute("2017-06-09T13:00"), 1, 0.5, GranularityMinute, true},
		{"same minute ties", minute("2017-06-09T13:00"), minute("2017-06-09T13:00"), 0, 0, GranularityMinute, true},
		{"day against minute on the same day ties", day("2017-06-09"), minute("2017-06-09T13:00"), 0, 0, GranularityDay, true},
		{"days apart", day("2017-06-06"), day("2017-06-09"), -1, 72, GranularityDay, true},
		{"undated", Date{}, day("2017-06-09"), 0, 0, GranularityNone, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sign, hours, g, ok := compareDates(tt.a, tt.b)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.sign, sign)
			assert.InDelta(t, tt.hours, hours, 1e-9)
			assert.Equal(t, tt.g, g)
		})
	}
}

func TestQuotedShare(t *testing.T) {
	tests := []struct {
		name, text, copy string
		want             float64
	}{
		{"curly quotes", `Khan said: “I don’t think we should roll out the red carpet.” Then he left.`, "I don’t think we should roll out the red carpet", 1},
		{"straight quotes", `He said: "We will not go." Then he left.`, "We will not go", 1},
		{"not quoted", `The mayor spoke to reporters on Sunday about the attack.`, "spoke to reporters on Sunday", 0},
		{"half quoted", `He called it "a pathetic excuse" in a tweet on Monday.`, `a pathetic excuse" in a tweet`, 0},
		{"new paragraph closes a quote", "He said: \"We will go.\n\nThe talks resume on Monday.", "The talks resume on Monday", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, e := span(t, tt.text, tt.copy)
			toks := tokensOf(tt.text)
			t0, t1 := tokenRange(toks, s, e)
			got := quotedShare(tt.text, s, e, toks[t0:t1])
			if tt.name == "half quoted" {
				assert.InDelta(t, 0.5, got, 0.01)
				return
			}
			assert.InDelta(t, tt.want, got, 1e-9)
		})
	}
}

func TestIntroducedAsSpeech(t *testing.T) {
	tests := []struct {
		name, text, copy string
		want             bool
	}{
		{"said colon", `Sanders said: "I don't see that the president is picking a fight."`, "I don't see that the president is picking a fight", true},
		{"tweeted", `Trump tweeted: "Pathetic excuse by London Mayor Sadiq Khan."`, "Pathetic excuse by London Mayor Sadiq Khan", true},
		{"closed by he said", `"We will not go," he said on Monday.`, "We will not go", true},
		{"closed by a spokesman said", `"The plant will close," a spokesman said.`, "The plant will close", true},
		{"interrupted by its attribution", `“I don’t think so,” he said. “You stand with them in bad times.”`, "I don’t think so,” he said. “You stand with them in bad times", true},
		{"told someone", `Khan told the BBC: we will not be cowed.`, "we will not be cowed", true},
		{"introduction inside the copy", `In a tweet on Monday, Trump said: "Pathetic excuse by the mayor."`, `tweet on Monday, Trump said: "Pathetic excuse by the mayor`, true},
		{"plain narration", `The company said profits rose. Sales rose ten pct in the quarter to March.`, "Sales rose ten pct in the quarter", false},
		{"closed by an unquoted attribution", `The talks will resume next week, a spokesman said.`, "The talks will resume next week", true},
		{"the next sentence reports speech", `Trump challenged Khan to an IQ test. Officials said the attackers used a van.`, "Trump challenged Khan to an IQ test", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, e := span(t, tt.text, tt.copy)
			assert.Equal(t, tt.want, introducedAsSpeech(tt.text, s, e))
		})
	}
}

func TestOutsideCueNear(t *testing.T) {
	text := "Trump mocked the mayor in a tweet on Sunday. Pathetic excuse by the mayor, he wrote."
	s, e := span(t, text, "Pathetic excuse by the mayor")
	assert.Equal(t, "tweet", outsideCueNear(text, s, e))
	text = "Sanders spoke at the White House briefing. I have better things to focus on, she said."
	s, e = span(t, text, "I have better things to focus on")
	assert.Equal(t, "briefing", outsideCueNear(text, s, e))
	text = "Profits rose in the quarter. Sales rose ten pct."
	s, e = span(t, text, "Sales rose ten pct")
	assert.Equal(t, "", outsideCueNear(text, s, e))
	// The cue nearest the copy names its source: the tweets are an
	// earlier topic, the interview introduces the words.
	text = "Trump criticised him in two tweets. Speaking to Channel 4 News, Khan said: I would not roll out the red carpet."
	s, e = span(t, text, "I would not roll out the red carpet")
	assert.Equal(t, "interview", outsideCueNear(text, s, e))
}

func TestCredits(t *testing.T) {
	tests := []struct {
		name, text, copy string
		extra            []string
		want             []string
	}{
		{"according to", "According to Reuters, the plant will close in May.", "the plant will close in May", nil, []string{"Reuters"}},
		{"byline", "(AP) - The plant will close in May.", "The plant will close in May", nil, []string{"AP"}},
		{"reported", "The plant will close in May, Bloomberg reported.", "The plant will close in May", nil, []string{"Bloomberg"}},
		{"told an outlet", "Khan told the BBC he had no interest in the offer.", "he had no interest in the offer", nil, []string{"BBC"}},
		{"document source", "According to Daily Planet, the plant will close.", "the plant will close", []string{"Daily Planet"}, []string{"Daily Planet"}},
		{"mention is not credit", "Reuters staff moved offices. The plant will close in May.", "The plant will close in May", nil, nil},
		{"other paragraph", "According to Reuters, prices fell.\nThe plant will close in May.", "The plant will close in May", nil, nil},
		// As the audit reads credits (internal/credit).
		{"credit line", "Credit: Reuters. The plant will close in May.", "The plant will close in May", nil, []string{"Reuters"}},
		{"closing byline", "The plant will close in May. - AP", "The plant will close in May", nil, []string{"AP"}},
		{"alias of a source", "The plant will close in May, Thomson Reuters reported.", "The plant will close in May", []string{"Reuters"}, []string{"Reuters"}},
		{"acronym in parentheses", "The Popular Alliance (AP) party says the plant will close in May.", "the plant will close in May", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, e := span(t, tt.text, tt.copy)
			assert.Equal(t, tt.want, credits(tt.text, s, e, credit.New(tt.extra, true)))
		})
	}
}

func TestFragment(t *testing.T) {
	text := "The mayor spoke on Sunday. He said the city would not be cowed by the attack. Then he left."
	s, e := span(t, text, "He said the city would not be cowed by the attack")
	head, tail := fragment(text, s, e)
	assert.False(t, head, "starts a sentence")
	assert.False(t, tail, "ends before the full stop")
	s, e = span(t, text, "the city would not be cowed")
	head, tail = fragment(text, s, e)
	assert.True(t, head)
	assert.True(t, tail)
	s, e = span(t, text, "The mayor spoke on Sunday")
	head, _ = fragment(text, s, e)
	assert.False(t, head, "document start")
}

func TestLatestMention(t *testing.T) {
	assert.Equal(t, 3*32+21, latestMention("for the week ended March 21, against March 14 a week earlier"))
	assert.Equal(t, 4*32+1, latestMention("payable 1 April to holders of record Mar. 15"))
	assert.Equal(t, 0, latestMention("no dates here, only 45 dlrs"))
	assert.Equal(t, 0, latestMention("March 45 is no day"))
}

func TestRevisionNoteAndAcronyms(t *testing.T) {
	assert.True(t, revisionNote.MatchString("Profits rose.\n\n- Corrects dollar figure of notes placed"))
	assert.True(t, revisionNote.MatchString("(Adds title first paragraph)."))
	assert.True(t, revisionNote.MatchString("NOTE: company corrects reporting period"))
	assert.False(t, revisionNote.MatchString("Changes in loan rates will be looked at."))
	for _, text := range []string{"Profits rose.\n\n- Corrects dollar figure", "(Adds title first paragraph).", "NOTE: company corrects reporting period",
		"Changes in loan rates.", "He adds that", "(UPDATES with prices)", "nothing here", "café (corrects)", "(ſupdates)"} {
		assert.Equal(t, revisionNote.MatchString(text), hasRevisionNote(text), "%q", text)
	}
	assert.Len(t, parenAcronym.FindAllString("the Organisation for Economic Cooperation and Development (OECD) said", -1), 1)
}

func TestFit(t *testing.T) {
	host := "Copper prices rose on Monday. Miners in Chile went on strike at the copper mine. " +
		"The strike at the Chile copper mine cut output, miners said. Copper traders expect more gains."
	pasted := "Bond markets were calm on Monday. The strike at the Chile copper mine cut output, miners said. " +
		"The central bank left interest rates unchanged."
	for _, tt := range []struct {
		name     string
		text     string
		min, max float64
	}{
		{"woven into its story", host, 0.6, 1},
		{"pasted into another", pasted, 0, 0.01},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, e := span(t, tt.text, "The strike at the Chile copper mine cut output, miners said.")
			toks := tokensOf(tt.text)
			t0, t1 := tokenRange(toks, s, e)
			near, whole, ctx := fit(tt.text, toks, t0, t1, fitWindow)
			assert.True(t, ctx)
			assert.GreaterOrEqual(t, whole, tt.min)
			assert.LessOrEqual(t, whole, tt.max)
			assert.LessOrEqual(t, near, whole+1e-9)
		})
	}
	toks := tokensOf("only the passage")
	_, _, ctx := fit("only the passage", toks, 0, len(toks), fitWindow)
	assert.False(t, ctx, "no text besides the passage")
}

func TestExtras(t *testing.T) {
	hashes := func(s string) []uint64 {
		var h []uint64
		for _, t := range tokensOf(s) {
			h = append(h, t.Hash)
		}
		return h
	}
	parent := hashes("The mayor said on Sunday that the city would not be cowed. He then visited the scene of the attack.")
	child := hashes("The mayor said on Sunday that the city would not be cowed.")
	head, tail, mid := extras(parent, trigrams(append([]uint64(nil), child...)))
	assert.Equal(t, 0, head)
	assert.Equal(t, 8, tail, "the parent's last sentence, dropped by the child")
	assert.Equal(t, 0, mid)
	head, tail, mid = extras(child, trigrams(append([]uint64(nil), parent...)))
	assert.Equal(t, [3]int{0, 0, 0}, [3]int{head, tail, mid}, "the child has nothing the parent lacks")
}

func TestSubstitutedFit(t *testing.T) {
	text := "Copper output fell in Chile. The copper mine strike cut output sharply. Chile exports fell."
	s, e := span(t, text, "The copper mine strike cut output sharply")
	toks := tokensOf(text)
	t0, t1 := tokenRange(toks, s, e)
	// The other copy has "banana" for "copper": the original word fits.
	other := map[uint64]bool{}
	for _, w := range []string{"the", "banana", "mine", "strike", "cut", "output", "sharply"} {
		other[minhash.HashWord(w)] = true
	}
	got, ok := substitutedFit(text, toks, t0, t1, other)
	require.True(t, ok)
	assert.InDelta(t, 1, got, 1e-9)
}

func TestTypography(t *testing.T) {
	curly, straight, commas := typography("“Yes,” he said, smiling.", 4)
	assert.True(t, curly)
	assert.False(t, straight)
	assert.InDelta(t, 0.5, commas, 1e-9)
}

// The per-copy forms of extras, jaccard and substitutedFit that pairs of
// copies use must agree with the plain ones.
func TestPairSignalFormsAgree(t *testing.T) {
	text := "Copper output fell in Chile on Monday. The copper mine strike cut output sharply, the miners said. " +
		"Chile exports fell. Banana exports rose. The mine strike cut output by a third, said the union. " +
		"Output fell. Output fell. The copper price rose on Monday as the strike went on."
	toks := tokensOf(text)
	hashes := func(t0, t1 int) []uint64 {
		var h []uint64
		for _, t := range toks[t0:t1] {
			h = append(h, t.Hash)
		}
		return h
	}
	for a0 := 0; a0 < len(toks); a0 += 3 {
		for a1 := a0; a1 <= len(toks); a1 += 5 {
			for b0 := 0; b0 < len(toks); b0 += 4 {
				b1 := min(len(toks), b0+(a1-a0)+b0%7)
				ha, hb := hashes(a0, a1), hashes(b0, b1)
				triA, rankA := trigramRanks(ha)
				triB, rankB := trigramRanks(hb)
				require.Equal(t, trigrams(slices.Clone(ha)), triA)
				inA, inB := make([]bool, len(triA)), make([]bool, len(triB))
				inter := markShared(triA, triB, inA, inB)
				assert.Equal(t, jaccard(triA, triB), jaccardCount(inter, len(triA), len(triB)))
				h, tl, m := extras(ha, triB)
				h2, tl2, m2 := extrasRanked(len(ha), rankA, inA, make([]bool, len(ha)))
				assert.Equal(t, [3]int{h, tl, m}, [3]int{h2, tl2, m2}, "a [%d,%d) b [%d,%d)", a0, a1, b0, b1)
				h, tl, m = extras(hb, triA)
				h2, tl2, m2 = extrasRanked(len(hb), rankB, inB, make([]bool, len(hb)))
				assert.Equal(t, [3]int{h, tl, m}, [3]int{h2, tl2, m2}, "b [%d,%d) a [%d,%d)", b0, b1, a0, a1)

				bag := make(map[uint64]bool)
				for _, x := range hb {
					bag[x] = true
				}
				want, okWant := substitutedFit(text, toks, a0, a1, bag)
				_, _, _, content, recurs := fitSets(text, toks, a0, a1, fitWindow)
				got, ok := substitutedFitSorted(content, recurs, sortedUnique(slices.Clone(hb)))
				assert.Equal(t, okWant, ok)
				assert.Equal(t, want, got)
			}
		}
	}
}

// The regexps' fast paths (counts without the regexp, checks before it)
// must agree with the regexps on text rich in near misses.
func TestSignalFastPathsAgree(t *testing.T) {
	pieces := []string{"said", "says", "told", "Said", "SAYS", "ſaid", "saidx", "_said", "said_", "1told", "s", "t",
		" ", " ", " ", "\n", ".", ",", ":", "(", ")", "(OECD)", "(A", "B)", "(U.S.)", "(ABCDEFGH)", "(AB&C)", "&",
		"\"", "“", "”", "é", "K", "tweeted", "wrote", "added", "told reporters", "in a statement", "he", "Khan",
		"the mayor", "Trump", "quoted as saying", "stated", "x", "Reuters", "according to",
		`," he said. "`, `.” Khan told`, ` them "`, "(Corrects", "-- corrects", "note: x corrects", "(adds"}
	rng := rand.New(rand.NewPCG(3, 4))
	introduced := func(text string, start, end int) bool {
		if (strings.ContainsAny(text[start:end], "\"”") && speechInside.MatchString(text[start:end])) || speechLead.MatchString(text[start:min(end, start+100)]) {
			return true
		}
		ps, pe := paragraphAround(text, start, end)
		before := text[max(ps, start-120):start]
		before = strings.TrimRightFunc(before, func(r rune) bool { return unicode.IsSpace(r) || isOpenQuote(r) })
		if speechBefore.MatchString(before) {
			return true
		}
		return speechAfter.MatchString(text[end:min(pe, end+80)])
	}
	for trial := 0; trial < 20000; trial++ {
		var b strings.Builder
		for range 1 + rng.IntN(40) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		text := b.String()
		require.Equal(t, len(saidPattern.FindAllStringIndex(text, -1)), countSaid(text), "%q", text)
		require.Equal(t, len(parenAcronym.FindAllStringIndex(text, -1)), countParenAcronyms(text), "%q", text)
		require.Equal(t, revisionNote.MatchString(text), hasRevisionNote(text), "%q", text)
		start := rng.IntN(len(text) + 1)
		end := start + rng.IntN(len(text)-start+1)
		require.Equal(t, introduced(text, start, end), introducedAsSpeech(text, start, end), "%q [%d,%d)", text, start, end)
	}
}
