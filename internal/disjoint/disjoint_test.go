package disjoint

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSets(t *testing.T) {
	s := New(6)
	s.Union(4, 2)
	s.Union(5, 4)
	s.Union(1, 3)
	assert.Equal(t, 2, s.Find(5), "the smallest member represents the set")
	assert.Equal(t, s.Find(2), s.Find(4))
	assert.Equal(t, 1, s.Find(3))
	assert.NotEqual(t, s.Find(0), s.Find(1))
	s.Union(3, 5)
	assert.Equal(t, 1, s.Find(4), "whatever the order of unions")
	s.Union(2, 2)
	assert.Equal(t, 0, s.Find(0))
}

func TestAdd(t *testing.T) {
	var s Sets
	a, b, c := s.Add(), s.Add(), s.Add()
	assert.Equal(t, []int{0, 1, 2}, []int{a, b, c})
	s.Union(c, b)
	assert.Equal(t, b, s.Find(c))
	assert.Equal(t, a, s.Find(a))
	assert.Equal(t, 3, s.Add(), "a set added after unions")
}
