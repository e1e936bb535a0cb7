package io.shardkv.rpc.tls;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;

/**
 * A cluster's certificate authority: a self-signed CA certificate and key, and the certificates it
 * issues to servers and clients, all as PEM files (certificates X.509, keys unencrypted PKCS#8,
 * readable by their owner only). Keys are ECDSA P-256, signatures SHA-256.
 *
 * <p>A certificate names its holder in its subject's CN and its {@link Role} in the subject's OU;
 * a server's also lists the host names and addresses clients reach it by, which clients verify.
 * Certificates are for both TLS client and server authentication, since every server is also a
 * client of its peers.
 */
public final class CertificateAuthority {

    public static final String CA_CERTIFICATE = "ca.pem";
    public static final String CA_KEY = "ca-key.pem";
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(365);
    /** Issued certificates start this much in the past, so clocks a little behind still accept them. */
    private static final Duration BACKDATE = Duration.ofMinutes(5);

    private final X509Certificate certificate;
    private final PrivateKey key;
    private final SecureRandom random = new SecureRandom();

    private CertificateAuthority(X509Certificate certificate, PrivateKey key) {
        this.certificate = certificate;
        this.key = key;
    }

    /** A new CA named {@code name}, valid for {@code validity} from now, written to {@code dir}/ca.pem and ca-key.pem. */
    public static CertificateAuthority create(Path dir, String name, Duration validity) throws IOException {
        Files.createDirectories(dir);
        if (Files.exists(dir.resolve(CA_KEY))) {
            throw new IOException(dir.resolve(CA_KEY) + " exists: a CA is there already (load it, or choose another directory)");
        }
        KeyPair pair = newKeyPair();
        Instant now = Instant.now();
        X500Name subject = name(name, null);
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(new SecureRandom()),
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(validity)), subject, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate ca = sign(builder, pair.getPrivate());
            CertificateAuthority authority = new CertificateAuthority(ca, pair.getPrivate());
            writeKey(dir.resolve(CA_KEY), pair.getPrivate());
            writeCertificates(dir.resolve(CA_CERTIFICATE), List.of(ca));
            return authority;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot create a CA: " + e.getMessage(), e);
        }
    }

    /** The CA in {@code dir} (ca.pem and ca-key.pem), to issue more certificates. */
    public static CertificateAuthority load(Path dir) throws IOException {
        List<X509Certificate> certificates = PemFiles.certificates(dir.resolve(CA_CERTIFICATE));
        return new CertificateAuthority(certificates.get(0), readKey(dir.resolve(CA_KEY)));
    }

    /** The CA's own certificate: what every process trusts. */
    public X509Certificate certificate() {
        return certificate;
    }

    /**
     * Issues a certificate to {@code holder} with {@code role}, valid from {@code notBefore} for
     * {@code validity}, and writes it with the CA's certificate after it (the chain) to
     * {@code certificateFile} and its key to {@code keyFile}.
     *
     * @param hosts the DNS names and IP addresses a server is reached by; empty for a client
     */
    public X509Certificate issue(String holder, Role role, List<String> hosts, Instant notBefore, Duration validity,
                                 Path certificateFile, Path keyFile) throws IOException {
        Objects.requireNonNull(role, "role");
        KeyPair pair = newKeyPair();
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(random),
                    Date.from(notBefore.minus(BACKDATE)), Date.from(notBefore.plus(validity)), name(holder, role),
                    pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(certificate))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(pair.getPublic()));
            if (!hosts.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false, alternativeNames(hosts));
            }
            X509Certificate issued = sign(builder, key);
            Path parent = certificateFile.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            writeKey(keyFile, pair.getPrivate());
            writeCertificates(certificateFile, List.of(issued, certificate));
            return issued;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot issue a certificate to " + holder + ": " + e.getMessage(), e);
        }
    }

    /** Issues a certificate valid from now for {@link #DEFAULT_VALIDITY}. */
    public X509Certificate issue(String holder, Role role, List<String> hosts, Path certificateFile, Path keyFile)
            throws IOException {
        return issue(holder, role, hosts, Instant.now(), DEFAULT_VALIDITY, certificateFile, keyFile);
    }

    private static PrivateKey readKey(Path file) throws IOException {
        try (PEMParser parser = new PEMParser(Files.newBufferedReader(file, StandardCharsets.US_ASCII))) {
            Object object = parser.readObject();
            if (!(object instanceof PrivateKeyInfo info)) {
                throw new IOException(file + " holds no unencrypted PKCS#8 private key");
            }
            return new JcaPEMKeyConverter().getPrivateKey(info);
        }
    }

    private static X500Name name(String commonName, Role role) {
        X500NameBuilder name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "shardkv");
        if (role != null) {
            name.addRDN(BCStyle.OU, role.title());
        }
        return name.addRDN(BCStyle.CN, commonName).build();
    }

    private static GeneralNames alternativeNames(List<String> hosts) {
        List<GeneralName> names = new ArrayList<>();
        for (String host : hosts) {
            names.add(isAddress(host) ? new GeneralName(GeneralName.iPAddress, host)
                    : new GeneralName(GeneralName.dNSName, host));
        }
        return new GeneralNames(names.toArray(GeneralName[]::new));
    }

    private static boolean isAddress(String host) {
        if (!host.matches("[0-9.]+|.*:.*")) {
            return false;
        }
        try {
            InetAddress.getByName(host);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static KeyPair newKeyPair() throws IOException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot generate an EC key: " + e.getMessage(), e);
        }
    }

    private static BigInteger serial(SecureRandom random) {
        return new BigInteger(127, random).add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) throws GeneralSecurityException {
        try {
            ContentSigner content = new JcaContentSignerBuilder("SHA256withECDSA").build(signer);
            return new JcaX509CertificateConverter().getCertificate(builder.build(content));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    private static void writeKey(Path file, PrivateKey key) throws IOException {
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
            writer.writeObject(new JcaPKCS8Generator(key, null));
        }
        writePrivately(file, pem.toString());
    }

    private static void writeCertificates(Path file, List<X509Certificate> chain) throws IOException {
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
            for (X509Certificate c : chain) {
                writer.writeObject(c);
            }
        }
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, pem.toString(), StandardCharsets.US_ASCII);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Written whole under another name, then renamed: a server reloading its files never reads half of one. */
    private static void writePrivately(Path file, String text) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temporary, text, StandardCharsets.US_ASCII);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
