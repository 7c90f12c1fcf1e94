//go:build !unix

package reprint

import "time"

// processCPU is the CPU time the process has used so far: not known here.
func processCPU() time.Duration { return 0 }
