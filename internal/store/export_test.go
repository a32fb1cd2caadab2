package store

// Exported for the external tests of this package.
const (
	AlertAt      = alertAt
	AlertPending = alertPending
)
