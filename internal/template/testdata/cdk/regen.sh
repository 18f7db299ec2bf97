#!/bin/sh
# Regenerates cirro's template fixtures: synthesizes every app in apps/
# with the pinned CDK CLI and copies its template into ../fixtures/.
#   cd internal/template/testdata/cdk && ./regen.sh
# The aws-cdk CLI must be a 2.x release (package.json pins 2.1148.1):
# npm's `latest` tag points at a 3.0.0 that rejects current assemblies.
# No AWS account is needed: the stacks are environment-agnostic.
set -eu
cd "$(dirname "$0")"
# `npm ci` would be the usual choice, but npm refuses it for this lock file
# (bundled dependencies of @aws/pdk and projen). `npm install` honours the
# lock file just the same; --no-save keeps npm from rewriting it (it drops
# and re-adds those bundled entries on alternate runs).
npm install --no-save --no-audit --no-fund >/dev/null
out=../fixtures
mkdir -p "$out"
for app in apps/*.js; do
	name=$(basename "$app" .js)
	case "$name" in common) continue ;; esac
	rm -rf "cdk.out/$name"
	mkdir -p cdk.out
	if ! npx --no-install cdk synth --quiet \
		--app "node $app" --output "cdk.out/$name" >"cdk.out/$name.log" 2>&1; then
		tail -n 20 "cdk.out/$name.log" | cut -c1-300 >&2
		exit 1
	fi
	for t in "cdk.out/$name"/*.template.json; do
		cp "$t" "$out/$(basename "$t")"
		echo "$name -> $out/$(basename "$t")"
	done
done
