package io.inkstream.infra.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Key stores as an operator makes them, with the JDK's own {@code keytool}: a self-signed certificate for 127.0.0.1 and
 * localhost and its key in PKCS #12, and a client's trust in that certificate alone. For the tests of TLS (the gateway's
 * HTTPS, a Cassandra node's client encryption) and the local node's own sessions.
 */
public final class SelfSignedKeyStores {
    private static final String ALIAS = "inkstream";

    private SelfSignedKeyStores() {
    }

    /** A PKCS #12 store in {@code dir} with a key pair and its self-signed certificate, under {@code password}. */
    public static Path create(Path dir, String name, String password) throws Exception {
        Path store = dir.resolve(name + ".p12");
        keytool("-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", password, "-keypass", password);
        return store;
    }

    /** A PKCS #12 store holding only {@code keyStore}'s certificate, no key: what a client trusts, not what a server serves. */
    public static Path certificateOnly(Path keyStore, String password) throws Exception {
        Path pem = keyStore.resolveSibling(keyStore.getFileName() + ".pem");
        Path store = keyStore.resolveSibling(keyStore.getFileName() + ".certificate.p12");
        keytool("-exportcert", "-rfc", "-alias", ALIAS, "-keystore", keyStore.toString(), "-storepass", password, "-file", pem.toString());
        keytool("-importcert", "-noprompt", "-alias", ALIAS, "-file", pem.toString(), "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", password);
        return store;
    }

    /** A client's TLS that trusts the certificates of {@code keyStore}'s keys and nothing else. */
    public static SSLContext trusting(Path keyStore, String password) throws GeneralSecurityException, IOException {
        KeyStore served = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            served.load(in, password.toCharArray());
        }
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        for (String alias : Collections.list(served.aliases())) {
            Certificate certificate = served.getCertificate(alias);
            if (certificate != null) {
                trusted.setCertificateEntry(alias, certificate);
            }
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static void keytool(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool " + arguments[0] + " failed: " + output);
        }
    }
}
