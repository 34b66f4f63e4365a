#!/usr/bin/env bash
# wakeq's main job on an embedded default: an embedded MySQL 8.0 (from a Maven artifact, nothing to install),
# three tenants served by wake-ups next to the same three under plain 1-second polling, live figures.
# Options: --seconds=N (default 60); --wake=binlog: the wakeq tenants use the binary-log relay instead of
# function + trigger + event (docs/relay.md).
exec bash "$(dirname "$0")/run-main.sh" dev.wakeq.demo.DemoMain "$@"
