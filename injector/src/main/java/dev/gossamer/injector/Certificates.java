package dev.gossamer.injector;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The webhook's certificates: a CA and a serving certificate it signs, for {@code gossamer injector certs}. The API
 * server calls the webhook over TLS and checks the certificate against the webhook's {@code caBundle}; since Go
 * 1.15 it checks the subject alternative names only, so the service's DNS names (and any extra names or IPs) are
 * SANs. Keys are ECDSA P-256 (fast to make, accepted by every supported API server), written as PKCS#8 PEM.
 *
 * <p>Files in the output directory: {@code ca.crt}, {@code ca.key}, {@code tls.crt}, {@code tls.key}. A directory
 * that already holds {@code ca.crt} and {@code ca.key} keeps its CA and gets a new serving certificate, so a renewal
 * keeps the caBundle registered with the API server.
 */
public final class Certificates {

    /** The CA outlives many serving certificates: renewals keep the registered caBundle. */
    public static final Duration DEFAULT_CA_VALIDITY = Duration.ofDays(3650);
    /** A year: renew with the same command (the CA stays) or let cert-manager rotate (docs/kubernetes.md). */
    public static final Duration DEFAULT_SERVING_VALIDITY = Duration.ofDays(365);

    private static final String SIGNATURE = "SHA256withECDSA";

    /** What was written: the PEM of the CA certificate (the caBundle is its base64). */
    public record Issued(Path dir, String caPem, List<String> dnsNames, List<String> ips) {
        /** The value of a webhook's {@code caBundle}: the CA certificate's PEM, base64-encoded. */
        public String caBundle() {
            return Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.US_ASCII));
        }
    }

    private Certificates() {
    }

    /** The DNS names of a Service as the API server calls it: {@code name.ns.svc} and its shorter and longer forms. */
    public static List<String> serviceNames(String service, String namespace) {
        return List.of(service, service + "." + namespace, service + "." + namespace + ".svc",
                service + "." + namespace + ".svc.cluster.local");
    }

    /**
     * Writes a CA (unless {@code dir} has one) and a serving certificate for {@code dnsNames} and {@code ips}.
     *
     * @param now the start of validity (injected for tests)
     */
    public static Issued issue(Path dir, List<String> dnsNames, List<String> ips, Instant now, Duration validity)
            throws IOException {
        if (dnsNames.isEmpty() && ips.isEmpty()) {
            throw new IllegalArgumentException("a serving certificate needs at least one DNS name or IP address");
        }
        try {
            Files.createDirectories(dir);
            Path caCrt = dir.resolve("ca.crt");
            Path caKeyFile = dir.resolve("ca.key");
            X509Certificate ca;
            PrivateKey caKey;
            if (Files.exists(caCrt) && Files.exists(caKeyFile)) {
                ca = readCertificate(caCrt);
                caKey = readKey(caKeyFile);
            } else {
                KeyPair caPair = newKeyPair();
                X500Name caName = new X500Name("CN=gossamer-injector-ca");
                X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caName, serial(), Date.from(now),
                        Date.from(now.plus(DEFAULT_CA_VALIDITY)), caName, caPair.getPublic());
                JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(caPair.getPublic()));
                ca = sign(b, caPair.getPrivate());
                caKey = caPair.getPrivate();
                writeSecret(caKeyFile, pem(caKey));
                Files.writeString(caCrt, pem(ca));
            }
            KeyPair serving = newKeyPair();
            String cn = dnsNames.isEmpty() ? ips.get(0) : dnsNames.get(0);
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca, serial(), Date.from(now.minusSeconds(60)),
                    Date.from(now.plus(validity)), new X500Name("CN=" + cn), serving.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            List<GeneralName> sans = new ArrayList<>();
            dnsNames.forEach(n -> sans.add(new GeneralName(GeneralName.dNSName, n)));
            ips.forEach(ip -> sans.add(new GeneralName(GeneralName.iPAddress, ip)));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            b.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(sans.toArray(GeneralName[]::new)));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
            X509Certificate servingCert = sign(b, caKey);
            // The key first: a reloading server that sees the new certificate with the old key fails that pair
            // and keeps serving; it reloads once both are written.
            writeSecret(dir.resolve("tls.key"), pem(serving.getPrivate()));
            Files.writeString(dir.resolve("tls.crt"), pem(servingCert));
            return new Issued(dir, pem(ca), List.copyOf(dnsNames), List.copyOf(ips));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot make the certificates: " + e.getMessage(), e);
        }
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(127, new SecureRandom()).add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
            throws OperatorCreationException, GeneralSecurityException {
        ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE).build(key);
        X509CertificateHolder holder = b.build(signer);
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    static X509Certificate readCertificate(Path file) throws IOException, GeneralSecurityException {
        try (var in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static PrivateKey readKey(Path file) throws IOException {
        try (PEMParser p = new PEMParser(Files.newBufferedReader(file))) {
            Object o = p.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            if (o instanceof PrivateKeyInfo info) {
                return conv.getPrivateKey(info);
            }
            if (o instanceof PEMKeyPair pair) {
                return conv.getKeyPair(pair).getPrivate();
            }
            throw new IOException(file + ": not a PEM private key");
        }
    }

    private static String pem(Object o) {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            if (o instanceof PrivateKey k) {
                w.writeObject(new JcaPKCS8Generator(k, null));
            } else {
                w.writeObject(o);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return s.toString();
    }

    private static void writeSecret(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, content);
    }
}
