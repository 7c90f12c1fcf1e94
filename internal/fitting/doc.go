// Package fitting fits and calibrates the weights of package
// provenance's model; it is the machinery of bench/cmd/provenance-eval,
// which writes provenance/weights.go with it.
//
// Fit maximises the likelihood of clusters whose derivation is known
// (provenance.Extract gives their features; Example adds what is known:
// each copy's parent, or only the copies' time order), with a Gaussian
// prior, by full-batch Adam. Calibrate then sets one temperature per date
// case on held-out clusters, by the pairwise outcomes PairOutcomes scores.
// WriteWeights writes the result as the Go source of weights.go, keyed by
// feature name.
package fitting
