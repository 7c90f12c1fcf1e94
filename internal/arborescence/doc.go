// Package arborescence is the tree arithmetic of provenance's model:
// distributions over the spanning arborescences of a small dense graph
// whose nodes are 0..n-1 and whose root (the world outside the corpus)
// stands apart. w[p*n+c] is the weight of the edge p→c (the exponential
// of its score), r[c] that of the root edge to c; a tree's weight is the
// product of its edges'.
//
// Marginals gives the edge and root marginals, the probability that the
// tree hangs from a single copy and the log partition function by the
// matrix-tree theorem (Koo et al. 2007), Max the highest-scoring tree
// (Chu-Liu/Edmonds), and Ancestors the probability that one node is an
// ancestor of another: exact by enumeration for small graphs, sampled by
// Wilson's algorithm for mid-sized ones, approximated beyond.
//
// It knows nothing of documents or features: its inputs and outputs are
// float64 slices. Clusters are small, so dense O(n³) linear algebra is
// enough; it is written out here, one elimination routine for both the
// determinant and the inverse, rather than pulled in from a matrix
// library.
package arborescence
