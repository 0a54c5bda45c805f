package io.inkstream.gateway.guard;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who a request is from, for every share and limit the gateway keeps per client (its rate, its upload memory, the bodies
 * it is sending, its event streams). Behind a proxy every connection comes from the proxy, and all its visitors shared
 * one client's share: sixteen event streams, one bucket of requests. The proxies named in
 * {@code INKSTREAM_GATEWAY_TRUSTED_PROXIES} (addresses or CIDR blocks, comma-separated) are believed about whom they
 * forwarded for: {@code X-Forwarded-For} is read from its right, past every trusted proxy, and the first address that is
 * not one is the client. Anyone else's {@code X-Forwarded-For} is ignored (a client can write anything there), and so
 * is whatever lies left of the first untrusted address, which its client wrote. An entry that is not an address ends
 * the walk at the proxy that passed it on. Only address literals are read, never names: nothing here asks DNS.
 *
 * <p>An IPv6 client is its /64, not its address: one host, or one home or cloud network, is given a /64 and may send from
 * any of its 2<sup>64</sup> addresses, so counting addresses would give it a fresh share with every request.
 */
public final class TrustedProxies {
    public static final String VARIABLE = "INKSTREAM_GATEWAY_TRUSTED_PROXIES";
    /** The most entries of {@code X-Forwarded-For} read: a chain of proxies is a few long. */
    static final int MAX_HOPS = 16;
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private record Block(byte[] network, int prefix) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    private final List<Block> blocks;
    private final String text;

    private TrustedProxies(List<Block> blocks, String text) {
        this.blocks = List.copyOf(blocks);
        this.text = text;
    }

    /** No proxy is trusted: the connection's address is the client, whatever a request's headers say. */
    public static TrustedProxies none() {
        return new TrustedProxies(List.of(), "");
    }

    /**
     * The proxies {@code variable} names: addresses or CIDR blocks ({@code 10.0.0.0/8}, {@code fd00::/8}), comma-separated;
     * blank for none.
     *
     * @throws IllegalArgumentException naming the entry that is neither
     */
    public static TrustedProxies parse(String variable) {
        List<Block> blocks = new ArrayList<>();
        for (String entry : variable.split(",")) {
            String trimmed = entry.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            int slash = trimmed.indexOf('/');
            Optional<byte[]> network = literal(slash < 0 ? trimmed : trimmed.substring(0, slash));
            if (network.isEmpty()) {
                throw new IllegalArgumentException(VARIABLE + ": '" + trimmed + "' is not an IP address or a CIDR block (10.0.0.0/8)");
            }
            int bits = network.get().length * 8;
            int prefix = bits;
            if (slash >= 0) {
                String length = trimmed.substring(slash + 1);
                prefix = length.matches("\\d{1,3}") ? Integer.parseInt(length) : -1;
                if (prefix < 0 || prefix > bits) {
                    throw new IllegalArgumentException(VARIABLE + ": '" + trimmed + "' has a prefix length that is not 0-" + bits);
                }
            }
            blocks.add(new Block(network.get(), prefix));
        }
        return new TrustedProxies(blocks, variable.strip());
    }

    /**
     * The client of a request that arrived from {@code remote} with these {@code X-Forwarded-For} header values (in the
     * order they came): {@code remote} itself unless it is a trusted proxy. An IPv4 client is its address
     * ({@code 203.0.113.5}), an IPv6 one its /64 ({@code 2001:db8:0:7::/64}).
     */
    public String client(String remote, List<String> forwardedFor) {
        Optional<byte[]> remoteAddress = literal(unbracketed(remote));
        String connected = remoteAddress.map(TrustedProxies::client).orElse(remote);
        if (blocks.isEmpty() || forwardedFor.isEmpty() || remoteAddress.isEmpty() || !trusted(remoteAddress.get())) {
            return connected;
        }
        List<String> hops = new ArrayList<>();
        for (String value : forwardedFor) {
            for (String hop : value.split(",")) { // a header is at most Jetty's 8 KiB
                hops.add(hop.strip());
            }
        }
        String client = connected;
        for (int i = hops.size() - 1; i >= Math.max(0, hops.size() - MAX_HOPS); i--) {
            Optional<byte[]> address = literal(unbracketed(hops.get(i)));
            if (address.isEmpty()) {
                return client; // not an address: the proxy that passed it on is as far as anyone can be believed
            }
            client = client(address.get());
            if (!trusted(address.get())) {
                return client;
            }
        }
        return client;
    }

    @Override
    public String toString() {
        return blocks.isEmpty() ? "none" : text;
    }

    private boolean trusted(byte[] address) {
        return blocks.stream().anyMatch(block -> block.contains(address));
    }

    /** The bytes of an IPv4 or IPv6 literal, read without DNS; empty for anything else. */
    private static Optional<byte[]> literal(String text) {
        if (!IPV4.matcher(text).matches() && !(IPV6.matcher(text).matches() && text.length() <= 45)) {
            return Optional.empty();
        }
        try {
            // A literal (digits, dots and colons only) is parsed, never looked up.
            return Optional.of(InetAddress.getByName(text).getAddress());
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static String unbracketed(String hop) {
        return hop.startsWith("[") && hop.endsWith("]") ? hop.substring(1, hop.length() - 1) : hop;
    }

    /** An IPv4 address as itself; an IPv6 one as its /64 (an IPv4-mapped one is read as IPv4 by {@link #literal}). */
    private static String client(byte[] address) {
        if (address.length == 4) {
            return (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + "." + (address[3] & 0xff);
        }
        StringBuilder network = new StringBuilder();
        for (int group = 0; group < 4; group++) {
            network.append(Integer.toHexString((address[2 * group] & 0xff) << 8 | address[2 * group + 1] & 0xff)).append(':');
        }
        return network.append(":/64").toString();
    }
}
