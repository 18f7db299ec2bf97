package load

import (
	"math/rand/v2"
	"slices"
	"time"
)

// maxSamples bounds the latencies kept per operation and worker; past it
// reservoir sampling keeps a uniform sample, so memory stays bounded
// however long a run is.
const maxSamples = 200_000

// opTally is one worker's record of one operation.
type opTally struct {
	ok, failed int64
	seen       int64 // successes offered to the reservoir
	samples    []time.Duration
	codes      map[string]int64
	example    map[string]string
}

func (t *opTally) success(d time.Duration, rng *rand.Rand) {
	t.ok++
	t.seen++
	if len(t.samples) < maxSamples {
		t.samples = append(t.samples, d)
	} else if j := rng.Int64N(t.seen); j < maxSamples {
		t.samples[j] = d
	}
}

func (t *opTally) failure(err error) {
	t.failed++
	code := ErrorCode(err)
	if t.codes == nil {
		t.codes, t.example = map[string]int64{}, map[string]string{}
	}
	t.codes[code]++
	if _, ok := t.example[code]; !ok {
		t.example[code] = describe(err)
	}
}

// OpStats is the report of one operation.
type OpStats struct {
	Op    string `json:"op"`
	Title string `json:"title"`
	OK    int64  `json:"ok"`
	// Errors counts failed requests; ErrorCodes splits them by type and
	// Examples holds the first message seen of each.
	Errors     int64             `json:"errors"`
	ErrorCodes map[string]int64  `json:"error_codes,omitempty"`
	Examples   map[string]string `json:"error_examples,omitempty"`
	// Throughput is successful operations per second.
	Throughput float64 `json:"throughput"`
	// Latencies of successful operations, milliseconds.
	P50  float64 `json:"p50_ms"`
	P95  float64 `json:"p95_ms"`
	P99  float64 `json:"p99_ms"`
	Max  float64 `json:"max_ms"`
	Mean float64 `json:"mean_ms"`
}

// merge combines workers' tallies of one operation into its report.
func merge(op *Op, tallies []*opTally, seconds float64) OpStats {
	s := OpStats{Op: op.ID, Title: op.Title}
	var all []time.Duration
	var weight float64 // successes each sample stands for, for the mean
	var sum float64
	for _, t := range tallies {
		s.OK += t.ok
		s.Errors += t.failed
		for c, n := range t.codes {
			if s.ErrorCodes == nil {
				s.ErrorCodes, s.Examples = map[string]int64{}, map[string]string{}
			}
			s.ErrorCodes[c] += n
			if _, ok := s.Examples[c]; !ok {
				s.Examples[c] = t.example[c]
			}
		}
		if len(t.samples) > 0 {
			w := float64(t.ok) / float64(len(t.samples))
			for _, d := range t.samples {
				sum += w * float64(d)
			}
			weight += float64(t.ok)
		}
		all = append(all, t.samples...)
	}
	if seconds > 0 {
		s.Throughput = float64(s.OK) / seconds
	}
	if len(all) == 0 {
		return s
	}
	slices.Sort(all)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	at := func(q float64) float64 { return ms(all[min(len(all)-1, int(q*float64(len(all))))]) }
	s.P50, s.P95, s.P99, s.Max = at(0.50), at(0.95), at(0.99), ms(all[len(all)-1])
	s.Mean = sum / weight / float64(time.Millisecond)
	return s
}
