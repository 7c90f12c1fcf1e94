//go:build !unix

package cli

// peakRSS is 0 where the system does not say.
func peakRSS() int64 { return 0 }
