package casedesk

// Metric names a service-level clock: what a policy measures.
type Metric string

// Metrics a policy can define; the values are stored and sent as they are.
const (
	MetricInitialResponse Metric = "initial_response"
	MetricNextReply       Metric = "next_reply"
	MetricResolution      Metric = "resolution"
)

// Metrics lists the metrics in order: initial response, next reply, resolution.
func Metrics() []Metric {
	return []Metric{MetricInitialResponse, MetricNextReply, MetricResolution}
}

// Valid reports whether m is a known metric.
func (m Metric) Valid() bool {
	return m == MetricInitialResponse || m == MetricNextReply || m == MetricResolution
}

// Coverage says which calendar a target counts on.
type Coverage string

// Coverages.
const (
	// Coverage24x7 counts real elapsed time and ignores holidays.
	Coverage24x7 Coverage = "24x7"
	// CoverageBusinessHours counts on the customer's region calendar.
	CoverageBusinessHours Coverage = "business_hours"
)

// Valid reports whether c is a known coverage.
func (c Coverage) Valid() bool { return c == Coverage24x7 || c == CoverageBusinessHours }

// TargetKind is the shape of a service-level target.
type TargetKind string

// Target kinds.
const (
	// TargetMinutes: due at the end of a number of counting minutes.
	TargetMinutes TargetKind = "minutes"
	// TargetNextBusinessDay: due at the end of the next business day (24 hours on 24x7).
	TargetNextBusinessDay TargetKind = "next_business_day"
	// TargetNone: "no commitment": tracked and reported, never due, never breached.
	TargetNone TargetKind = "none"
)

// Valid reports whether k is a known target kind.
func (k TargetKind) Valid() bool {
	return k == TargetMinutes || k == TargetNextBusinessDay || k == TargetNone
}
