package io.inkstream.cli.bench.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** On a real JVM, its compilers told apart from its other threads by {@code /proc} alone. */
class CompilerCpuTest {

    /**
     * A second JVM in compiled mode ({@code -Xcomp}: every method compiled at its first call, by C1 only, so it is quick)
     * waits, runs code it has not run before (an XML parser, regular expressions, formatting, streams), then spins for a
     * second in code already compiled. Its compilers' CPU is seen over the new code, and not over the spin (the control:
     * the same JVM busy on another thread, nothing to compile).
     */
    @Test
    void seesWhatAJvmsCompilersUseAndNotWhatItsOtherThreadsDo() throws Exception {
        assumeThat(Files.isDirectory(Path.of("/proc/self/task"))).as("Linux /proc").isTrue();
        Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xcomp",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), NewCodeThenSpin.class.getName())
                .redirectErrorStream(true).start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
            OutputStream go = jvm.getOutputStream();
            assertThat(lines.readLine()).as("the second JVM's first line").isEqualTo("ready");
            CompilerCpu compilers = CompilerCpu.watch(List.of(jvm.pid())).orElseThrow();

            go.write('\n');
            go.flush();
            assertThat(lines.readLine()).as("after the new code").startsWith("compiled");
            double compiling = compilers.secondsSinceLastLook();
            long spinStart = ProcessCpu.read(jvm.pid()).orElseThrow().ticks();
            go.write('\n');
            go.flush();
            assertThat(lines.readLine()).as("after the spin").startsWith("spun");
            double spinning = compilers.secondsSinceLastLook();
            double process = (ProcessCpu.read(jvm.pid()).orElseThrow().ticks() - spinStart) / ProcessCpu.TICKS_PER_SECOND;

            assertThat(compiling).as("the compilers' seconds over the new code").isGreaterThan(0.1);
            assertThat(process).as("the process's seconds over the spin").isGreaterThan(0.5);
            assertThat(spinning).as("the compilers' seconds over the spin").isLessThan(0.05);
        } finally {
            jvm.destroyForcibly().waitFor();
        }
    }

    @Test
    void aJvmThatDoesNotRunHereCannotBeWatched() throws Exception {
        Process gone = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version").start();
        gone.waitFor();
        assertThat(CompilerCpu.watch(List.of(gone.pid()))).isEmpty();
    }

    /** The second JVM: says it is ready, then at each line from its input runs new code, then spins; idles until killed. */
    static final class NewCodeThenSpin {
        public static void main(String[] args) throws Exception {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            System.out.println("ready");
            System.out.flush();
            in.readLine();
            Object document = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new ByteArrayInputStream("<a><b c='1'>t</b></a>".getBytes(StandardCharsets.UTF_8)));
            String work = String.format("%s %.3f %tF", document, 1.5, java.time.LocalDate.now())
                    + java.util.regex.Pattern.compile("(a|b)+c").matcher("ababc").matches()
                    + java.util.stream.IntStream.range(0, 100).boxed().collect(java.util.stream.Collectors.groupingBy(i -> i % 7));
            System.out.println("compiled " + work.length());
            System.out.flush();
            in.readLine();
            // No string built from the sum: a concatenation of a new shape would be new code to compile, after the spin.
            System.out.println(spin(System.nanoTime() + 1_000_000_000L) == 42 ? "spun to 42" : "spun");
            System.out.flush();
            Thread.sleep(600_000);
        }

        private static long spin(long until) {
            long sum = 0;
            while (System.nanoTime() < until) {
                sum += sum * 31 + 7;
            }
            return sum;
        }
    }
}
