package io.inkstream.infra;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Loopback ports for the local broker and node: free ones on request, taken ones refused early. */
public final class LoopbackPorts {
    public static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /** Tries before {@link #free} gives up finding a port it has not handed out yet; the range holds thousands. */
    private static final int TRIES = 100;
    /**
     * Every port {@link #free} has handed out, in this JVM and lately in this user's others. A port is free only until its
     * taker binds it, and a Cassandra node binds its ports half a minute after they were chosen: meanwhile the OS gives
     * the same port out again (a few times in 200 picks here). The scale-out suite once started a gateway on its first
     * node's CQL port.
     */
    private static final PortReservations HANDED_OUT = PortReservations.forThisUser();

    private LoopbackPorts() {
    }

    /** A port that was free a moment ago; 0 means "pick one". */
    public static int resolve(int requested, String what) {
        if (requested == 0) {
            return free();
        }
        requireFree(requested, what);
        return requested;
    }

    /**
     * A port free now, not handed out before by this JVM nor lately by another of this user's, so that parts started side
     * by side never share one.
     */
    public static int free() {
        for (int i = 0; i < TRIES; i++) {
            int port = anyFree();
            if (HANDED_OUT.reserve(port)) {
                return port;
            }
        }
        throw new InfrastructureException("no free loopback port in " + TRIES + " tries: each was already handed out");
    }

    private static int anyFree() {
        try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new InfrastructureException("no free loopback port: " + e.getMessage(), e);
        }
    }

    /** Fails with a message naming the port and its purpose when something already listens on it. */
    public static void requireFree(int port, String what) {
        requireFree(LOOPBACK.getHostAddress(), port, what);
    }

    /** The same on another loopback address, 127.0.0.2 for the second node of a local cluster. */
    public static void requireFree(String address, int port, String what) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(address), port), 1);
        } catch (IOException e) {
            throw new InfrastructureException(what + " port " + port + " on " + address
                    + " is already in use (" + e.getMessage() + "): stop what holds it or choose another port");
        }
    }
}
