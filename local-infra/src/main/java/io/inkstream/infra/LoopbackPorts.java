package io.inkstream.infra;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Loopback ports for the local broker and node: free ones on request, taken ones refused early. */
public final class LoopbackPorts {
    public static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

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

    public static int free() {
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
