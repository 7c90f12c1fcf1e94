package provenance

import (
	"context"
	"fmt"

	"github.com/reprint-dev/reprint/bench/synth"
	"github.com/reprint-dev/reprint/internal/fitting"
	prov "github.com/reprint-dev/reprint/provenance"
)

// Data is everything fitting and evaluation need: the dev corpus with its
// story split, and synthetic forests planted into each split's stories.
type Data struct {
	Dev        *Dev
	SynthTrain []*Synth
	SynthCalib *Synth
	SynthTest  *Synth
}

// DataOptions say where the data comes from.
type DataOptions struct {
	// DevPath is the Reuters dev corpus (JSON Lines).
	DevPath string
	// TrainSeeds, CalibSeed and TestSeed seed the synthetic forests.
	TrainSeeds []int64
	CalibSeed  int64
	TestSeed   int64
	// Trees is the number of trees per forest (DefaultForestConfig's when
	// zero).
	Trees int
	// Log receives progress lines (may be nil).
	Log func(string)
}

// DefaultDataOptions are the options the committed weights were fitted
// and evaluated with.
func DefaultDataOptions(devPath string) DataOptions {
	return DataOptions{DevPath: devPath, TrainSeeds: []int64{1, 2, 3}, CalibSeed: 11, TestSeed: 21}
}

// Prepare loads the dev corpus, splits it by story and generates one
// synthetic forest per seed from the stories of its split.
func Prepare(ctx context.Context, opt DataOptions) (*Data, error) {
	logf := func(format string, a ...any) {
		if opt.Log != nil {
			opt.Log(fmt.Sprintf(format, a...))
		}
	}
	dev, err := LoadDev(ctx, opt.DevPath)
	if err != nil {
		return nil, err
	}
	logf("dev corpus: %d documents, %d pairs with containment >= %.1f", len(dev.Items), len(dev.Pairs), SilverContainment)
	d := &Data{Dev: dev}
	src := func(s Split) []synth.Doc {
		var out []synth.Doc
		for _, i := range dev.ItemsIn(s) {
			out = append(out, synth.Doc{ID: dev.Items[i].Key, Text: dev.Items[i].Text})
		}
		return out
	}
	forest := func(s Split, seed int64) (*Synth, error) {
		cfg := synth.DefaultForestConfig()
		cfg.Seed = seed
		if opt.Trees > 0 {
			cfg.Trees = opt.Trees
		}
		sy, err := NewSynth(ctx, src(s), cfg)
		if err != nil {
			return nil, fmt.Errorf("forest %s seed %d: %w", s, seed, err)
		}
		logf("forest %s seed %d: %d documents, %d trees, %d clusters matched, %d not", s, seed,
			len(sy.Items), len(sy.Forest.Truth.Trees), len(sy.Labels), sy.Missed)
		return sy, nil
	}
	for _, seed := range opt.TrainSeeds {
		sy, err := forest(Train, seed)
		if err != nil {
			return nil, err
		}
		d.SynthTrain = append(d.SynthTrain, sy)
	}
	if d.SynthCalib, err = forest(Calibration, opt.CalibSeed); err != nil {
		return nil, err
	}
	if d.SynthTest, err = forest(Test, opt.TestSeed); err != nil {
		return nil, err
	}
	return d, nil
}

// FitSetup tunes the fit.
type FitSetup struct {
	// SilverWeight scales each silver example against a synthetic one.
	SilverWeight float64
	// L2 is the prior's strength; Iterations caps the optimiser.
	L2         float64
	Iterations int
	Log        func(string)
}

// DefaultFitSetup is the setup of the committed weights.
func DefaultFitSetup() FitSetup {
	return FitSetup{SilverWeight: 5, L2: 0.2, Iterations: 400}
}

// Fit fits the weights on the train split (synthetic forests, with and
// without dates, and the dev corpus's silver clusters, without dates) and
// calibrates them on the calibration split.
func (d *Data) Fit(set FitSetup) (prov.Weights, error) {
	var train []fitting.Example
	for _, s := range d.SynthTrain {
		for _, run := range []*Run{s.Hidden, s.Dated} {
			ex, err := s.Examples(run, 1)
			if err != nil {
				return prov.Weights{}, err
			}
			train = append(train, ex...)
		}
	}
	nSynth := len(train)
	silver, err := d.Dev.Examples(Train, set.SilverWeight)
	if err != nil {
		return prov.Weights{}, err
	}
	train = append(train, silver...)
	if set.Log != nil {
		set.Log(fmt.Sprintf("fitting on %d synthetic and %d silver clusters", nSynth, len(silver)))
	}
	w, err := fitting.Fit(train, fitting.Options{L2: set.L2, Iterations: set.Iterations, Log: set.Log})
	if err != nil {
		return prov.Weights{}, err
	}
	var cal []fitting.Example
	for _, run := range []*Run{d.SynthCalib.Hidden, d.SynthCalib.Dated} {
		ex, err := d.SynthCalib.Examples(run, 1)
		if err != nil {
			return prov.Weights{}, err
		}
		cal = append(cal, ex...)
	}
	devCal, err := d.Dev.Examples(Calibration, 1)
	if err != nil {
		return prov.Weights{}, err
	}
	cal = append(cal, devCal...)
	w, err = fitting.Calibrate(cal, w)
	if err != nil {
		return prov.Weights{}, err
	}
	if set.Log != nil {
		set.Log(fmt.Sprintf("calibrated on %d clusters: temperatures missing %.3f distinct %.3f tied %.3f",
			len(cal), w.Temperature[prov.CaseMissing], w.Temperature[prov.CaseDistinct], w.Temperature[prov.CaseTied]))
	}
	return w, nil
}

// Baselines learns the containment baseline's sign on the train split: on
// the synthetic forests for synthetic data and on the silver pairs for
// the dev corpus.
func (d *Data) Baselines() (synthBase, devBase Baselines) {
	var less, more Acc
	for _, s := range d.SynthTrain {
		f := factsOf(s.Hidden)
		for _, l := range s.Labels {
			for c, p := range l.Parent {
				if p >= 0 {
					cf, cs := f.contain[[2]int{p, c}], f.contain[[2]int{c, p}]
					less.Add(byContainment(cf, cs, true))
					more.Add(byContainment(cf, cs, false))
				}
			}
		}
	}
	synthBase.LessContainedIsOrigin = less.Value() >= more.Value()
	less, more = Acc{}, Acc{}
	for _, p := range d.Dev.Pairs {
		if p.Split == Train && p.Silver() {
			less.Add(byContainment(p.EarlyIn, p.LateIn, true))
			more.Add(byContainment(p.EarlyIn, p.LateIn, false))
		}
	}
	devBase.LessContainedIsOrigin = less.Value() >= more.Value()
	return synthBase, devBase
}
