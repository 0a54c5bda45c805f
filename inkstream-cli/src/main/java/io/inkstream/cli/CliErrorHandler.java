package io.inkstream.cli;

import picocli.CommandLine;

/**
 * The one handler for failures in any command: a short message on stderr and exit code 1; the
 * stack trace only when {@code INKSTREAM_DEBUG} is set.
 */
final class CliErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine command, CommandLine.ParseResult parseResult) {
        command.getErr().println("inkstream " + command.getCommandName() + ": " + (e.getMessage() == null ? e : e.getMessage()));
        if (System.getenv("INKSTREAM_DEBUG") != null) {
            e.printStackTrace(command.getErr());
        }
        return 1;
    }
}
