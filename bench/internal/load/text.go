package load

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// WriteText prints the report as a table, errors by type below it.
func (r *Report) WriteText(w io.Writer) {
	mode := fmt.Sprintf("closed loop, %d workers", r.Concurrency)
	if r.Mode == "open" {
		mode = fmt.Sprintf("open loop, %.0f/s, up to %d in flight", r.Rate, r.Concurrency)
	}
	title := r.Target
	if title != "" {
		title += ": "
	}
	fmt.Fprintf(w, "%s%s, %.1f s measured, seed %d\n", title, mode, r.Seconds, r.Seed)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "operation\tok\terrors\tops/s\tp50 ms\tp95 ms\tp99 ms\tmax ms\t")
	for _, s := range append(append([]OpStats(nil), r.Ops...), r.Total) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t%.2f\t%.2f\t%.2f\t%.2f\t\n", s.Op, s.OK, s.Errors, s.Throughput, s.P50, s.P95, s.P99, s.Max)
	}
	tw.Flush()
	if r.Server != nil {
		fmt.Fprintf(w, "server: %.2f CPU s, %.0f ops per CPU second, RSS %.1f MiB\n", r.Server.CPUSeconds, r.Server.OpsPerCPUSecond, float64(r.Server.RSSBytes)/(1<<20))
	}
	for _, s := range r.Ops {
		if s.Errors == 0 {
			continue
		}
		codes := make([]string, 0, len(s.ErrorCodes))
		for c := range s.ErrorCodes {
			codes = append(codes, c)
		}
		sort.Strings(codes)
		var parts []string
		for _, c := range codes {
			parts = append(parts, fmt.Sprintf("%d× %s", s.ErrorCodes[c], s.Examples[c]))
		}
		fmt.Fprintf(w, "  %s errors: %s\n", s.Op, strings.Join(parts, "; "))
	}
}
