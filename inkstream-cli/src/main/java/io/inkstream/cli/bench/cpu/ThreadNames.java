package io.inkstream.cli.bench.cpu;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * The full names of a JVM's threads by Linux thread id. {@code /proc} keeps only the first 15
 * characters of a name ("kafka-producer-" for the gateway's and the classifier's producers alike);
 * the JVM's thread dump has the whole name and the native id ({@code nid=0x...}) of every thread,
 * the JIT's and the GC's included. This JVM asks itself; another is asked through {@code jcmd}.
 */
public final class ThreadNames {
    private static final Pattern THREAD = Pattern.compile("^\"(.*)\".*\\bnid=(0x[0-9a-fA-F]+|\\d+)", Pattern.MULTILINE);

    private ThreadNames() {
    }

    /** Names by thread id; empty when the process cannot be asked (not a JVM, or gone). */
    public static Map<Long, String> of(long pid) {
        try {
            return parse(pid == ProcessHandle.current().pid() ? ownDump() : jcmdDump(pid));
        } catch (IOException | RuntimeException e) {
            return Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
    }

    static Map<Long, String> parse(String dump) {
        Map<Long, String> names = new HashMap<>();
        Matcher m = THREAD.matcher(dump);
        while (m.find()) {
            String nid = m.group(2);
            names.put(nid.startsWith("0x") ? Long.parseLong(nid.substring(2), 16) : Long.parseLong(nid), m.group(1));
        }
        return names;
    }

    private static String ownDump() throws IOException {
        try {
            return (String) ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "threadPrint", new Object[] {new String[0]}, new String[] {String[].class.getName()});
        } catch (javax.management.JMException e) {
            throw new IOException(e);
        }
    }

    private static String jcmdDump(long pid) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "Thread.print").redirectErrorStream(true).start();
        byte[] out = process.getInputStream().readNBytes(16 << 20);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return "";
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
