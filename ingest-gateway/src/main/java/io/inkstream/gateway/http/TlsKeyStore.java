package io.inkstream.gateway.http;

import io.inkstream.ops.config.ConfigurationException;
import io.inkstream.ops.config.StoreFiles;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.util.Collections;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The gateway's certificate and private key, in a PKCS #12 (or JKS) key store ({@code keytool -genkeypair -storetype PKCS12}, or
 * {@code openssl pkcs12 -export} of a certificate and its key): with one, the gateway speaks HTTPS only, so that the API key,
 * the uploads and the answers do not cross the network in clear. Read once at start, where a key store that cannot serve
 * (missing, too large, the wrong password, no private key in it) stops the gateway with the variable's name.
 */
public record TlsKeyStore(Path path, String password) {
    public static final String PATH_VARIABLE = "INKSTREAM_GATEWAY_TLS_KEYSTORE";
    public static final String PASSWORD_VARIABLE = "INKSTREAM_GATEWAY_TLS_KEYSTORE_PASSWORD";

    /** Opens {@code path} as the operator named it, or says in the variable's name why it cannot serve. */
    public static TlsKeyStore read(Path path, String password) {
        KeyStore store = StoreFiles.read("key store", PATH_VARIABLE, PASSWORD_VARIABLE, path, password);
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias) && store.getCertificate(alias) != null) {
                    return new TlsKeyStore(path, password);
                }
            }
        } catch (KeyStoreException e) {
            throw new ConfigurationException(PATH_VARIABLE + " names " + path + ", whose entries cannot be read: " + e.getMessage());
        }
        throw new ConfigurationException(PATH_VARIABLE + " names " + path + ", which holds no private key with its certificate");
    }

    /** An HTTPS listener with this store's certificate, answering as {@code http} says. */
    ServerConnector connector(Server server, HttpConfiguration http) {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStoreType(KeyStore.getDefaultType());
        tls.setKeyStorePath(path.toString());
        tls.setKeyStorePassword(password);
        tls.setIncludeProtocols("TLSv1.3", "TLSv1.2"); // whatever the JDK's own settings still allow
        HttpConfiguration https = new HttpConfiguration(http);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // Whether the certificate names the host a client asked for is the client's check (it refuses the connection); the
        // server's would answer 400 to a client that reached it by another of its names and chose to go on.
        secure.setSniHostCheck(false);
        https.addCustomizer(secure);
        return new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(https));
    }

    /** Never the password: a config is logged and printed whole. */
    @Override
    public String toString() {
        return "TlsKeyStore[" + path + "]";
    }
}
