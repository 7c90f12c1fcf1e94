// Package provenance guesses where a recycled passage came from: which copy
// came first, which copy derives from which, and whether the text most
// likely came from outside the corpus (a tweet, a briefing, a press release
// that every copy quotes).
//
// Facts and inferences are kept apart. A date is a fact, at its own
// granularity: two day-level dates on the same day tie. The origin, the
// derivation tree and the pairwise "who came first" are inferences, each
// with a probability and reasons in plain words.
//
// The model is log-linear over derivation trees. Every copy (a node) hangs
// either from another copy or from a virtual root that stands for the world
// outside the corpus. Signals computed from the copies' text and optional
// metadata (dates with their granularity, attribution near the span,
// quotation, containment and edit asymmetry, compilation structure, how
// well the passage fits its host, variants inherited from a parent) give
// every candidate edge u→v and every root edge a score; a tree's weight is
// the exponential of the sum of its edges' scores. The most likely tree is
// a maximum arborescence (Chu-Liu/Edmonds); edge marginals come from the
// matrix-tree theorem (the inverse of the Laplacian of the exponentiated
// scores), as in Koo et al. (2007) and the Viral Texts project (Smith et
// al. 2013). A tree that hangs from a single copy names that copy the
// origin; a tree in which two or more copies hang from the root says that
// they co-derive from a common source outside the corpus. Below a
// confidence floor the verdict is "undetermined".
//
// Provenance never reads document ids, file names or input order: its
// inputs carry no ids (Document.Label only phrases reasons), every cluster's
// copies are put in an order decided by their content before anything is
// computed, and the verdicts do not change when the input is shuffled.
//
// # Fitting
//
// The weights are fitted by maximum likelihood on clusters with known
// direction (synthetic derivation forests and re-issued stories of the
// Reuters dev corpus, whose timestamps order them; the date weights are
// fitted on the synthetic forests only), then calibrated by one
// temperature per date case (all copies dated apart, some dates tied, some
// undated) on held-out clusters, by the command in bench/cmd/provenance-eval,
// which writes weights.go:
//
//	go run ./bench/cmd/provenance-eval fit -write provenance/weights.go
//
// The package gives that command what it needs and no more: Extract reads
// every cluster's features as Infer would (an Instance), Instance.Scores
// scores them under given Weights as Infer does (less its bounds and hard
// dates), FeatureNames names the features in the order of Weights, Fitted
// returns the weights of weights.go, and Options.Weights puts others in
// their place. The optimiser itself is not part of the package.
//
// Each feature is one row of a table in features.go: its name, how it is
// read from the copies, and how a reason states it. weights.go is keyed by
// those names and checked against the tables when the package starts, so
// a new signal is a constant and a row, its heuristic and a refit; until
// the refit, Infer with the fitted weights returns an error rather than
// guess.
package provenance
