package main

import (
	"runtime/debug"
	"strings"
)

// version, when set at build time (-ldflags "-X main.version=v1.2.3"),
// overrides the version the build info gives.
var version = ""

// buildVersion says which casedesk this is: the module version the binary
// was built at (a tagged release when installed with go install), else the
// VCS revision of the checkout it was built from, with its commit time and
// whether the tree had uncommitted changes. "unknown" only when the binary
// carries no build info at all.
func buildVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		if version != "" {
			return version
		}
		return "unknown"
	}
	return describeBuild(version, info)
}

// describeBuild is buildVersion over given build info, for tests.
func describeBuild(override string, info *debug.BuildInfo) string {
	v := override
	if v == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		v = info.Main.Version
	}
	var rev, at string
	modified := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	var details []string
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		details = append(details, "revision "+rev)
	}
	if at != "" {
		details = append(details, at)
	}
	if modified {
		details = append(details, "modified")
	}
	if v == "" {
		v = "devel"
	}
	if len(details) > 0 {
		v += " (" + strings.Join(details, ", ") + ")"
	}
	return v + " " + info.GoVersion
}
