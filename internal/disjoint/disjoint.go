// Package disjoint is a disjoint-set forest (union-find) over the integers
// 0..n-1, with path halving. The root of a set is always its smallest
// member, so that the sets' representatives do not depend on the order of
// unions.
package disjoint

// Sets partitions 0..n-1 into disjoint sets.
type Sets []int

// New returns n singleton sets.
func New(n int) Sets {
	s := make(Sets, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// Find returns the representative (smallest member) of x's set.
func (s Sets) Find(x int) int {
	for s[x] != x {
		s[x] = s[s[x]]
		x = s[x]
	}
	return x
}

// Union merges the sets of a and b.
func (s Sets) Union(a, b int) {
	ra, rb := s.Find(a), s.Find(b)
	switch {
	case ra < rb:
		s[rb] = ra
	case rb < ra:
		s[ra] = rb
	}
}

// Add appends a new singleton set and returns its member.
func (s *Sets) Add() int {
	*s = append(*s, len(*s))
	return len(*s) - 1
}
