package dev.gossamer.control;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates for mutual-TLS tests, made with the JDK's own {@code keytool} (BouncyCastle's PKIX part is not on the
 * classpath): a CA, and a leaf certificate it signs for {@code 127.0.0.1}/{@code localhost} usable as server and
 * client, written as the PEM files {@link ControlOptions.TlsFiles} names (the private key as PKCS#8).
 */
final class TestCertificates {

    private static final String PASS = "changeit";

    private TestCertificates() {
    }

    /** A CA named {@code name} under {@code dir}, and one leaf it signs; returns the leaf's TLS files. */
    static ControlOptions.TlsFiles issue(Path dir, String name) throws IOException, InterruptedException,
            GeneralSecurityException {
        Files.createDirectories(dir);
        Path ca = dir.resolve(name + "-ca.p12");
        Path leaf = dir.resolve(name + "-leaf.p12");
        Path csr = dir.resolve(name + ".csr");
        Path cert = dir.resolve(name + "-cert.pem");
        Path caPem = dir.resolve(name + "-ca.pem");
        Path key = dir.resolve(name + "-key.pem");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name
                + "-ca", "-ext", "bc:c", "-validity", "2", "-keystore", ca.toString(), "-storetype", "PKCS12");
        keytool("-genkeypair", "-alias", "leaf", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name
                + "-leaf", "-validity", "2", "-keystore", leaf.toString(), "-storetype", "PKCS12");
        keytool("-certreq", "-alias", "leaf", "-keystore", leaf.toString(), "-file", csr.toString());
        keytool("-gencert", "-alias", "ca", "-keystore", ca.toString(), "-infile", csr.toString(), "-outfile",
                cert.toString(), "-rfc", "-validity", "2", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-ext", "KU=digitalSignature", "-ext", "EKU=serverAuth,clientAuth");
        keytool("-exportcert", "-alias", "ca", "-keystore", ca.toString(), "-rfc", "-file", caPem.toString());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(leaf)) {
            ks.load(in, PASS.toCharArray());
        }
        Key k = ks.getKey("leaf", PASS.toCharArray());
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(k.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        Files.writeString(key, pem);
        return new ControlOptions.TlsFiles(cert, key, caPem);
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-storepass", PASS, "-noprompt"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + ": " + new String(out, StandardCharsets.UTF_8));
        }
    }
}
