// Package config is casedesk's typed configuration: defaults, overridden by
// CASEDESK_* environment variables, overridden by flags.
package config

import (
	"flag"
	"fmt"
	"os"
	"strconv"
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
}

// Default returns the defaults.
func Default() Config {
	return Config{Addr: "127.0.0.1:8080", DataDir: "./casedesk-data", AttachmentLimit: 25 << 20,
		ShutdownTimeout: 15 * time.Second, LogLevel: "info", LogFormat: "text"}
}

// Register adds the flags to fs, with defaults taken from the environment.
// Call Validate after fs.Parse.
func (c *Config) Register(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", env("ADDR", c.Addr), "listen address (CASEDESK_ADDR)")
	fs.StringVar(&c.DataDir, "data", env("DATA", c.DataDir), "data directory: the SQLite file and attachments (CASEDESK_DATA)")
	fs.StringVar(&c.DatabaseURL, "database-url", env("DATABASE_URL", c.DatabaseURL), "postgres://… selects PostgreSQL; empty means SQLite in --data (CASEDESK_DATABASE_URL)")
	fs.Int64Var(&c.AttachmentLimit, "attachment-limit", envInt("ATTACHMENT_LIMIT", c.AttachmentLimit), "largest attachment in bytes (CASEDESK_ATTACHMENT_LIMIT)")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", envDuration("SHUTDOWN_TIMEOUT", c.ShutdownTimeout), "time allowed for requests in flight at SIGTERM (CASEDESK_SHUTDOWN_TIMEOUT)")
	fs.StringVar(&c.LogLevel, "log-level", env("LOG_LEVEL", c.LogLevel), "debug, info, warn or error (CASEDESK_LOG_LEVEL)")
	fs.StringVar(&c.LogFormat, "log-format", env("LOG_FORMAT", c.LogFormat), "text or json (CASEDESK_LOG_FORMAT)")
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
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("--log-format must be text or json")
	}
	return nil
}

func env(name, def string) string {
	if v, ok := os.LookupEnv("CASEDESK_" + name); ok {
		return v
	}
	return def
}

func envInt(name string, def int64) int64 {
	if v, ok := os.LookupEnv("CASEDESK_" + name); ok {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return n
		}
	}
	return def
}

func envDuration(name string, def time.Duration) time.Duration {
	if v, ok := os.LookupEnv("CASEDESK_" + name); ok {
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
	}
	return def
}
