package synth

import (
	"cmp"
	"math"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGenerateIsDeterministic(t *testing.T) {
	src := seedDocs(t)
	a, err := Generate(src, seedConfig(7))
	require.NoError(t, err)
	prev := runtime.GOMAXPROCS(1)
	b, err := Generate(src, seedConfig(7))
	runtime.GOMAXPROCS(prev)
	require.NoError(t, err)
	ac, at := output(t, a)
	bc, bt := output(t, b)
	assert.Equal(t, string(ac), string(bc), "corpus differs between runs")
	assert.Equal(t, string(at), string(bt), "truth differs between runs")

	c, err := Generate(src, seedConfig(8))
	require.NoError(t, err)
	cc, ct := output(t, c)
	assert.NotEqual(t, string(ac), string(cc), "another seed gives the same corpus")
	assert.NotEqual(t, string(at), string(ct), "another seed gives the same truth")
}

func TestGenerateSeeds(t *testing.T) {
	src := seedDocs(t)
	for _, seed := range []int64{1, 2, 3, 4, 5} {
		c, err := Generate(src, seedConfig(seed))
		require.NoError(t, err, "seed %d", seed)
		checkCorpus(t, c, src)
		assert.Len(t, c.Truth.Copies, 14)
	}
}

func TestGenerateFakePool(t *testing.T) {
	src := fakeDocs(t, 400)
	cfg := DefaultConfig()
	cfg.Hosts, cfg.Sources, cfg.Distractors, cfg.Passages = 150, 100, 50, 1200
	c, err := Generate(src, cfg)
	require.NoError(t, err)
	checkCorpus(t, c, src)

	// Clusters (a passage in three documents or more) and compilations (a
	// host fed by two sources) both occur.
	clustered := slices.ContainsFunc(c.Truth.Passages, func(p Passage) bool { return len(p.Copies) >= 2 })
	assert.True(t, clustered, "no passage planted twice")
	sources := map[string]map[string]bool{}
	for _, cp := range c.Truth.Copies {
		if sources[cp.Target] == nil {
			sources[cp.Target] = map[string]bool{}
		}
		sources[cp.Target][cp.Source] = true
	}
	compiled := 0
	for _, s := range sources {
		if len(s) >= 2 {
			compiled++
		}
	}
	assert.Positive(t, compiled, "no host received text from two sources")
}

func TestGenerateHonoursEditRates(t *testing.T) {
	src := fakeDocs(t, 400)
	cfg := DefaultConfig()
	cfg.Hosts, cfg.Sources, cfg.Distractors, cfg.Passages = 200, 150, 0, 2000
	cfg.Edits = EditRates{Verbatim: 1, Trim: 1, Substitute: 2, Punctuation: 1, Reorder: 1, Attribution: 1}
	cfg.SubstituteFractions = []float64{0.1}
	c, err := Generate(src, cfg)
	require.NoError(t, err)
	copies := c.Truth.Copies
	require.Len(t, copies, 2000)

	count := map[Edit]int{}
	var subFrac float64
	for _, cp := range copies {
		count[cp.Edit]++
		if cp.Edit == EditSubstitute {
			subFrac += cp.EditFraction
		}
	}
	weights := cfg.Edits.weights()
	for i, e := range Edits {
		want := weights[i] / 7
		got := float64(count[e]) / float64(len(copies))
		assert.InDelta(t, want, got, 0.035, "share of %s", e)
	}
	// Rounding to whole words moves single copies; the mean stays close.
	assert.InDelta(t, 0.1, subFrac/float64(count[EditSubstitute]), 0.02, "mean substitution fraction")

	lengths := map[string]int{}
	for _, cp := range copies {
		assert.GreaterOrEqual(t, cp.Words, cfg.MinWords)
		assert.LessOrEqual(t, cp.Words, cfg.MaxWords)
		lengths[lengthBucket(cp.Words)]++
	}
	assert.Greater(t, lengths["12-29"], len(copies)/3, "too few 12-29 word copies: %v", lengths)
	for _, b := range LengthBuckets {
		assert.Positive(t, lengths[b], "no copy of %s words", b)
	}
}

func TestGenerateDates(t *testing.T) {
	src := fakeDocs(t, 300)
	cfg := DefaultConfig()
	cfg.Hosts, cfg.Sources, cfg.Distractors, cfg.Passages = 150, 60, 30, 300

	t.Run("default: all dated, sources earlier", func(t *testing.T) {
		c, err := Generate(src, cfg)
		require.NoError(t, err)
		docs := truthDocs(c)
		for _, d := range c.Documents {
			_, err := time.Parse(time.RFC3339, d.Date)
			assert.NoError(t, err, "date of %s", d.ID)
		}
		for _, cp := range c.Truth.Copies {
			st, tt := mustTime(t, docs[cp.Source].Date), mustTime(t, docs[cp.Target].Date)
			assert.True(t, st.Before(tt), "source %s not before target %s", cp.Source, cp.Target)
			assert.GreaterOrEqual(t, tt.Sub(st), cfg.Dates.MinGap)
		}
	})

	t.Run("noise", func(t *testing.T) {
		cfg := cfg
		cfg.Dates.MissingRate, cfg.Dates.TieRate, cfg.Dates.WrongRate = 0.2, 0.2, 0.2
		c, err := Generate(src, cfg)
		require.NoError(t, err)
		docs := truthDocs(c)
		noise := map[string]int{}
		hosts := 0
		for _, d := range c.Truth.Documents {
			noise[d.DateNoise]++
			if d.Host {
				hosts++
			}
			switch d.DateNoise {
			case "missing":
				assert.Empty(t, d.Date)
			case "tied":
				assert.Regexp(t, `^\d{4}-\d{2}-\d{2}$`, d.Date)
			case "wrong":
				assert.NotEqual(t, d.Time, d.Date)
			default:
				assert.Equal(t, d.Time, d.Date)
			}
		}
		assert.InDelta(t, 0.2, float64(noise["missing"])/float64(len(c.Documents)), 0.08)
		assert.InDelta(t, 0.2, float64(noise["tied"])/float64(hosts), 0.08)
		assert.InDelta(t, 0.2, float64(noise["wrong"])/float64(hosts), 0.08)
		for _, cp := range c.Truth.Copies {
			target, source := docs[cp.Target], docs[cp.Source]
			switch target.DateNoise {
			case "wrong":
				if source.Date != "" {
					assert.True(t, mustTime(t, target.Date).Before(mustTime(t, source.Time)))
				}
			case "tied":
				// Tied to the latest source: no source is on a later day.
				assert.LessOrEqual(t, source.Time[:10], target.Date)
			}
		}
	})
}

func TestGenerateErrors(t *testing.T) {
	src := seedDocs(t)
	tests := []struct {
		name string
		src  []Doc
		cfg  func(*Config)
		want error
	}{
		{"invalid config", src, func(c *Config) { c.Hosts = 0 }, ErrConfig},
		{"zero edit rates", src, func(c *Config) { c.Edits = EditRates{} }, ErrConfig},
		{"whole seeds share text", mustLoad(t), func(c *Config) {}, ErrNotEnoughDocs},
		{"too many passages", src, func(c *Config) { c.Passages = 500 }, ErrExhausted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := seedConfig(1)
			tt.cfg(&cfg)
			_, err := Generate(tt.src, cfg)
			assert.ErrorIs(t, err, tt.want)
		})
	}
	t.Run("duplicate ids", func(t *testing.T) {
		_, err := Generate([]Doc{{ID: "a", Text: "x"}, {ID: "a", Text: "y"}}, seedConfig(1))
		assert.ErrorContains(t, err, "duplicate")
	})
}

func TestGenerateDevCorpus(t *testing.T) {
	src := devDocs(t)
	cfg := DefaultConfig()
	cfg.Dates.MissingRate, cfg.Dates.TieRate, cfg.Dates.WrongRate = 0.05, 0.05, 0.05
	c, err := Generate(src, cfg)
	require.NoError(t, err)
	checkCorpus(t, c, src)
	assert.Len(t, c.Documents, cfg.Hosts+cfg.Sources+cfg.Distractors)
	assert.Len(t, c.Truth.Copies, cfg.Passages)
}

// checkCorpus checks every promise Generate makes about c.
func checkCorpus(t *testing.T, c *Corpus, src []Doc) {
	t.Helper()
	tr := c.Truth
	docs := index(c)
	orig := originals(c, src)
	tdocs := truthDocs(c)
	require.Len(t, tr.Documents, len(c.Documents))

	idRE := regexp.MustCompile(`^syn-[0-9a-f]{8}$`)
	assert.True(t, slices.IsSortedFunc(c.Documents, func(a, b Document) int { return cmp.Compare(a.ID, b.ID) }))
	for i, d := range c.Documents {
		assert.Regexp(t, idRE, d.ID)
		if i > 0 {
			assert.NotEqual(t, c.Documents[i-1].ID, d.ID)
		}
		assert.Equal(t, tdocs[d.ID].Date, d.Date)
	}

	// The chosen documents share no 8-gram before planting.
	owner := map[uint64]string{}
	for _, d := range tr.Documents {
		for _, h := range ngramHashes(normWords(orig[d.ID]), 8) {
			if o, ok := owner[h]; ok && o != d.ID {
				t.Errorf("documents %s and %s share an 8-gram before planting", o, d.ID)
			}
			owner[h] = d.ID
		}
	}

	// Documents are their original text plus the planted passages.
	byTarget := map[string][]Copy{}
	for _, cp := range tr.Copies {
		byTarget[cp.Target] = append(byTarget[cp.Target], cp)
	}
	for _, d := range tr.Documents {
		text := docs[d.ID].Text
		cps := byTarget[d.ID]
		assert.Equal(t, len(cps) > 0, d.Host, "host flag of %s", d.ID)
		slices.SortFunc(cps, func(a, b Copy) int { return cmp.Compare(b.OuterStart, a.OuterStart) })
		for _, cp := range cps {
			switch cp.Boundary {
			case "sentence":
				require.Equal(t, " ", text[cp.OuterStart-1:cp.OuterStart])
				text = text[:cp.OuterStart-1] + text[cp.OuterEnd:]
			case "paragraph":
				require.Equal(t, "\n\n", text[cp.OuterStart-2:cp.OuterStart])
				text = text[:cp.OuterStart-2] + text[cp.OuterEnd:]
			case "start":
				require.Equal(t, "\n\n", text[cp.OuterEnd:cp.OuterEnd+2])
				text = text[:cp.OuterStart] + text[cp.OuterEnd+2:]
			default:
				t.Fatalf("copy %s: boundary %q", cp.ID, cp.Boundary)
			}
		}
		assert.Equal(t, orig[d.ID], text, "document %s minus its planted passages", d.ID)
	}

	passages := map[string]Passage{}
	for _, p := range tr.Passages {
		passages[p.ID] = p
	}
	pairs := map[[2]string]string{}
	for _, p := range tr.Pairs {
		assert.Less(t, p.A, p.B)
		pairs[[2]string{p.A, p.B}] = p.Kind
	}
	for _, cp := range tr.Copies {
		target, source := docs[cp.Target].Text, docs[cp.Source].Text
		require.True(t, 0 <= cp.OuterStart && cp.OuterStart <= cp.TargetStart && cp.TargetStart < cp.TargetEnd &&
			cp.TargetEnd <= cp.OuterEnd && cp.OuterEnd <= len(target), "copy %s: target span", cp.ID)
		require.True(t, 0 <= cp.SourceStart && cp.SourceStart < cp.SourceEnd && cp.SourceEnd <= len(source), "copy %s: source span", cp.ID)
		p := passages[cp.Passage]
		assert.Equal(t, cp.Source, p.Source)
		assert.True(t, p.Start <= cp.SourceStart && cp.SourceEnd <= p.End, "copy %s: source span outside its passage", cp.ID)
		got, from := target[cp.TargetStart:cp.TargetEnd], source[cp.SourceStart:cp.SourceEnd]
		outer := target[cp.OuterStart:cp.OuterEnd]
		assert.Contains(t, orig[cp.Source], from, "copy %s: source span is not original text", cp.ID)
		assert.Equal(t, cp.Words, countWords(got))
		assert.Equal(t, cp.SourceWords, countWords(from))
		assert.Equal(t, Direction, cp.Direction)
		assert.Equal(t, "copy", pairs[pairKey(cp.Source, cp.Target)])
		assert.True(t, mustTime(t, tdocs[cp.Source].Time).Before(mustTime(t, tdocs[cp.Target].Time)))
		if cp.Edit != EditAttribution {
			assert.Equal(t, got, outer)
		}
		switch cp.Edit {
		case EditVerbatim:
			assert.Equal(t, from, got, "copy %s", cp.ID)
			assert.Zero(t, cp.EditFraction)
		case EditTrim:
			assert.Equal(t, from, got, "copy %s", cp.ID)
			assert.Positive(t, cp.TrimmedWords)
			assert.Equal(t, p.Words, cp.Words+cp.TrimmedWords)
		case EditAttribution:
			assert.Equal(t, from, got, "copy %s", cp.ID)
			pre, suf := outer[:cp.TargetStart-cp.OuterStart], outer[cp.TargetEnd-cp.OuterStart:]
			assert.True(t, (slices.Contains(attributionPrefixes, pre) && suf == "") ||
				(pre == "" && slices.Contains(attributionSuffixes, suf)), "copy %s: attribution %q … %q", cp.ID, pre, suf)
		case EditSubstitute:
			gw, fw := normWords(got), normWords(from)
			require.Len(t, gw, len(fw))
			diff := 0
			for i := range gw {
				if gw[i] != fw[i] {
					diff++
				}
			}
			assert.Positive(t, diff)
			assert.Equal(t, int(math.Round(cp.EditFraction*float64(cp.Words))), diff, "copy %s", cp.ID)
		case EditPunctuation:
			assert.NotEqual(t, from, got)
			assert.Equal(t, normWords(from), normWords(got), "copy %s", cp.ID)
			assert.Positive(t, cp.EditFraction)
		case EditReorder:
			assert.NotEqual(t, from, got)
			gw, fw := normWords(got), normWords(from)
			slices.Sort(gw)
			slices.Sort(fw)
			assert.Equal(t, fw, gw, "copy %s", cp.ID)
		default:
			t.Errorf("copy %s: edit %q", cp.ID, cp.Edit)
		}
	}
	for _, p := range tr.Passages {
		for i, a := range p.Copies {
			for _, b := range p.Copies[i+1:] {
				assert.NotEmpty(t, pairs[pairKeyOf(tr, a, b)], "siblings %s %s", a, b)
			}
		}
	}
}

func pairKeyOf(tr *Truth, a, b string) [2]string {
	var ta, tb string
	for _, c := range tr.Copies {
		switch c.ID {
		case a:
			ta = c.Target
		case b:
			tb = c.Target
		}
	}
	return pairKey(ta, tb)
}

func truthDocs(c *Corpus) map[string]TruthDoc {
	m := map[string]TruthDoc{}
	for _, d := range c.Truth.Documents {
		m[d.ID] = d
	}
	return m
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	require.NoError(t, err, "time %q", s)
	return tm
}

func mustLoad(t *testing.T) []Doc {
	docs, err := LoadDir(seedsDir)
	require.NoError(t, err)
	return docs
}

func TestOutputIDsDoNotLeakOrder(t *testing.T) {
	c, err := Generate(seedDocs(t), seedConfig(3))
	require.NoError(t, err)
	var origs []string
	for _, d := range c.Truth.Documents {
		origs = append(origs, d.OrigID)
	}
	// Documents are listed by id, a hash: not in input order.
	assert.False(t, slices.IsSorted(origs), "ids follow input order: %v", origs)
	for _, d := range c.Documents {
		assert.False(t, strings.Contains(d.ID, "host") || strings.Contains(d.ID, "src"))
	}
}
