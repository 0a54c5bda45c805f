import com.sun.tools.attach.VirtualMachine;
import java.util.Map;
import java.util.TreeMap;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Requests per second a Kafka broker answers, by API, and records and bytes per second by topic, over a window: read from the
 * broker's own JMX meters in a running JVM (a broker, or `inkstream up` with its in-process one) through the attach API, so
 * nothing has to be configured beforehand. docs/benchmarks.md uses it beside thread-cpu.py while `inkstream bench pipeline`
 * runs: a broker's CPU follows its request rate more than its record rate.
 *
 * <p>usage: java docs/tools/BrokerRequests.java PID SECONDS
 */
public final class BrokerRequests {
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: java docs/tools/BrokerRequests.java PID SECONDS");
            System.exit(2);
        }
        VirtualMachine vm = VirtualMachine.attach(args[0]);
        String address = vm.startLocalManagementAgent();
        vm.detach();
        long seconds = Long.parseLong(args[1]);
        try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
            MBeanServerConnection broker = connector.getMBeanServerConnection();
            Map<String, Long> before = counts(broker);
            Thread.sleep(seconds * 1000);
            Map<String, Long> after = counts(broker);
            double total = 0;
            for (Map.Entry<String, Long> meter : after.entrySet()) {
                double rate = (meter.getValue() - before.getOrDefault(meter.getKey(), 0L)) / (double) seconds;
                if (rate >= 0.05) {
                    System.out.printf("%-70s %12.1f/s%n", meter.getKey(), rate);
                }
                if (meter.getKey().startsWith("request ")) {
                    total += rate;
                }
            }
            System.out.printf("%-70s %12.1f/s%n", "requests, all APIs", total);
        }
    }

    private static Map<String, Long> counts(MBeanServerConnection broker) throws Exception {
        Map<String, Long> counts = new TreeMap<>();
        for (ObjectName meter : broker.queryNames(new ObjectName("kafka.network:type=RequestMetrics,name=RequestsPerSec,*"), null)) {
            // FetchConsumer and FetchFollower are the Fetch requests again, split by who sent them
            if (!meter.getKeyProperty("request").startsWith("Fetch") || meter.getKeyProperty("request").equals("Fetch")) {
                counts.merge("request " + meter.getKeyProperty("request"), count(broker, meter), Long::sum);
            }
        }
        for (String name : new String[] {"MessagesInPerSec", "BytesInPerSec", "BytesOutPerSec"}) {
            for (ObjectName meter : broker.queryNames(new ObjectName("kafka.server:type=BrokerTopicMetrics,name=" + name + ",topic=*"), null)) {
                counts.put("topic " + meter.getKeyProperty("topic") + " " + name, count(broker, meter));
            }
        }
        return counts;
    }

    private static long count(MBeanServerConnection broker, ObjectName meter) throws Exception {
        return ((Number) broker.getAttribute(meter, "Count")).longValue();
    }
}
