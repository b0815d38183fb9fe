package io.jettymcp.cli;

import picocli.CommandLine.ParseResult;

/**
 * The options a command was started with. Usually picocli's parse result; for a launch with no
 * arguments at all (how most MCP clients start a stdio server, configured through the
 * environment) there is nothing to parse, and building picocli's model would cost tens of
 * milliseconds of every launch.
 */
interface CliOptions {

    CliOptions NONE = new CliOptions() {
        @Override
        public boolean hasMatchedOption(String name) {
            return false;
        }

        @Override
        public <T> T matchedOptionValue(String name, T dflt) {
            return dflt;
        }
    };

    boolean hasMatchedOption(String name);

    <T> T matchedOptionValue(String name, T dflt);

    static CliOptions of(ParseResult pr) {
        return new CliOptions() {
            @Override
            public boolean hasMatchedOption(String name) {
                return pr.hasMatchedOption(name);
            }

            @Override
            public <T> T matchedOptionValue(String name, T dflt) {
                return pr.matchedOptionValue(name, dflt);
            }
        };
    }
}
