package io.jettymcp.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.spec.SpecLoader;
import io.jettymcp.spec.ToolTable;
import picocli.CommandLine.ParseResult;

import java.io.PrintStream;

/** {@code jetty-mcp tools}: prints the README tool table generated from the packaged specs. */
final class Tools {

    private Tools() {
    }

    static int print(ParseResult pr, PrintStream err, PrintStream out) {
        out.print(ToolTable.markdown(new SpecLoader(new ObjectMapper()).loadPackaged()));
        out.flush();
        return 0;
    }
}
