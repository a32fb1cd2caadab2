// Package config is casedesk's typed configuration: defaults, overridden by
// CASEDESK_* environment variables, overridden by flags.
package config

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

// Config is what `casedesk serve` and `casedesk demo` run with.
type Config struct {
	Addr            string        // --addr, CASEDESK_ADDR
	DataDir         string        // --data, CASEDESK_DATA
	DatabaseURL     string        // --database-url, CASEDESK_DATABASE_URL
	AttachmentLimit int64         // --attachment-limit (bytes), CASEDESK_ATTACHMENT_LIMIT
	ShutdownTimeout time.Duration // --shutdown-timeout, CASEDESK_SHUTDOWN_TIMEOUT
	LogLevel        string        // --log-level, CASEDESK_LOG_LEVEL: debug, info, warn, error
	LogFormat       string        // --log-format, CASEDESK_LOG_FORMAT: text or json
	// DBStatementTimeout bounds each database statement and commit, and
	// DBAcquireTimeout the wait for a connection (or SQLite's lock): past
	// them a request answers 503 rather than waiting for the database.
	DBStatementTimeout time.Duration // --db-statement-timeout, CASEDESK_DB_STATEMENT_TIMEOUT
	DBAcquireTimeout   time.Duration // --db-acquire-timeout, CASEDESK_DB_ACQUIRE_TIMEOUT
	// RequestLimit requests may be opened per organization in any
	// RequestLimitWindow (0: no limit): --request-limit,
	// CASEDESK_REQUEST_LIMIT, --request-limit-window, CASEDESK_REQUEST_LIMIT_WINDOW.
	RequestLimit       int
	RequestLimitWindow time.Duration
}

// Default returns the defaults.
func Default() Config {
	return Config{Addr: "127.0.0.1:8080", DataDir: "./casedesk-data", AttachmentLimit: 25 << 20,
		ShutdownTimeout: 15 * time.Second, LogLevel: "info", LogFormat: "text",
		DBStatementTimeout: 5 * time.Second, DBAcquireTimeout: 3 * time.Second,
		RequestLimit: 100, RequestLimitWindow: 10 * time.Minute}
}

// Register adds the flags to fs. Each flag's default is its CASEDESK_*
// environment variable when that is set (the flag's name in capitals, with
// "_" for "-": --attachment-limit ← CASEDESK_ATTACHMENT_LIMIT), else the
// value in c. A set variable is parsed exactly as its flag would be; a
// malformed one is an error naming the variable, so that the command fails
// as it would on a malformed flag. Call Validate after fs.Parse.
func (c *Config) Register(fs *flag.FlagSet) error {
	return c.register(fs, os.LookupEnv)
}

func (c *Config) register(fs *flag.FlagSet, lookupEnv func(string) (string, bool)) error {
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address (CASEDESK_ADDR)")
	fs.StringVar(&c.DataDir, "data", c.DataDir, "data directory: the SQLite file and attachments (CASEDESK_DATA)")
	fs.StringVar(&c.DatabaseURL, "database-url", c.DatabaseURL, "postgres://… selects PostgreSQL; empty means SQLite in --data (CASEDESK_DATABASE_URL)")
	fs.Int64Var(&c.AttachmentLimit, "attachment-limit", c.AttachmentLimit, "largest attachment in bytes (CASEDESK_ATTACHMENT_LIMIT)")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", c.ShutdownTimeout, "time allowed for requests in flight at SIGTERM (CASEDESK_SHUTDOWN_TIMEOUT)")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error (CASEDESK_LOG_LEVEL)")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "text or json (CASEDESK_LOG_FORMAT)")
	fs.DurationVar(&c.DBStatementTimeout, "db-statement-timeout", c.DBStatementTimeout, "longest wait for one database statement or commit before answering 503 (CASEDESK_DB_STATEMENT_TIMEOUT)")
	fs.DurationVar(&c.DBAcquireTimeout, "db-acquire-timeout", c.DBAcquireTimeout, "longest wait for a database connection or SQLite's write lock before answering 503 (CASEDESK_DB_ACQUIRE_TIMEOUT)")
	fs.IntVar(&c.RequestLimit, "request-limit", c.RequestLimit, "requests customers and partners may open per organization in --request-limit-window; 0: no limit (CASEDESK_REQUEST_LIMIT)")
	fs.DurationVar(&c.RequestLimitWindow, "request-limit-window", c.RequestLimitWindow, "the window of --request-limit (CASEDESK_REQUEST_LIMIT_WINDOW)")
	var errs []error
	for _, name := range []string{"addr", "data", "database-url", "attachment-limit", "shutdown-timeout", "log-level", "log-format", "db-statement-timeout", "db-acquire-timeout", "request-limit", "request-limit-window"} {
		f := fs.Lookup(name)
		env := envName(name)
		v, ok := lookupEnv(env)
		if !ok {
			continue
		}
		// Set the value, not the flag: the environment changes the default,
		// which the usage message then shows.
		if err := f.Value.Set(v); err != nil {
			errs = append(errs, fmt.Errorf("invalid value %q for %s: %v", v, env, err))
			continue
		}
		f.DefValue = f.Value.String()
	}
	return errors.Join(errs...)
}

// envName returns the environment variable of a flag: "attachment-limit" →
// "CASEDESK_ATTACHMENT_LIMIT".
func envName(flag string) string {
	return "CASEDESK_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// Validate checks the values.
func (c *Config) Validate() error {
	if c.Addr == "" {
		return fmt.Errorf("--addr is required")
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		return fmt.Errorf("--database-url must start with postgres:// (leave it empty for SQLite)")
	}
	if c.AttachmentLimit < 1 {
		return fmt.Errorf("--attachment-limit must be positive")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("--log-level must be debug, info, warn or error")
	}
	if c.DBStatementTimeout <= 0 || c.DBAcquireTimeout <= 0 {
		return fmt.Errorf("--db-statement-timeout and --db-acquire-timeout must be positive")
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("--log-format must be text or json")
	}
	if c.RequestLimit < 0 || (c.RequestLimit > 0 && c.RequestLimitWindow <= 0) {
		return fmt.Errorf("--request-limit must not be negative, and --request-limit-window must be positive when it is set")
	}
	return nil
}
