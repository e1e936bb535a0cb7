package io.shardkv.cli;

import io.shardkv.rpc.tls.CertificateAuthority;
import io.shardkv.rpc.tls.Role;
import io.shardkv.rpc.tls.TlsConfig;
import io.shardkv.rpc.tls.TokenFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code shardkv certs}: a cluster CA and the certificates it issues, as PEM files (docs/security.md). */
@Command(name = "certs", mixinStandardHelpOptions = true,
        description = {"Create a cluster CA, and issue certificates for servers and clients (PEM files).",
            "Servers get role server; people and programs admin, readwrite or readonly."},
        subcommands = {CertsCommand.Ca.class, CertsCommand.Issue.class, CertsCommand.Token.class})
final class CertsCommand {

    @Command(name = "ca", mixinStandardHelpOptions = true,
            description = "Create a CA in DIR: ca.pem (give it to every process) and ca-key.pem (keep it safe; it issues).")
    static final class Ca implements Callable<Integer> {
        @Option(names = "--dir", required = true, description = "Where the CA's files go (created if missing).")
        Path dir;

        @Option(names = "--name", defaultValue = "shardkv cluster CA", description = "The CA's name. Default: ${DEFAULT-VALUE}.")
        String name;

        @Option(names = "--days", defaultValue = "3650", description = "How long the CA is valid. Default: ${DEFAULT-VALUE}.")
        int days;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            CertificateAuthority ca = CertificateAuthority.create(dir, name, validity(days));
            spec.commandLine().getOut().printf("CA '%s' in %s, valid until %s%n", name,
                    dir.resolve(CertificateAuthority.CA_CERTIFICATE), ca.certificate().getNotAfter().toInstant());
            return 0;
        }
    }

    @Command(name = "issue", mixinStandardHelpOptions = true,
            description = {"Issue NAME.pem and NAME-key.pem in DIR from the CA there. Issuing again replaces them",
                "(each file whole): servers use new files for new connections within a second, without a restart."})
    static final class Issue implements Callable<Integer> {
        @Option(names = "--dir", required = true, description = "The CA's directory; the certificate is written there too.")
        Path dir;

        @Option(names = "--name", required = true, description = "The holder, e.g. server-100-1 or alice (the subject's CN).")
        String name;

        @Option(names = "--role", required = true, description = "server, admin, readwrite or readonly (the subject's OU).")
        String role;

        @Option(names = "--host", split = ",", paramLabel = "HOST",
                description = "For a server: every DNS name and IP address clients reach it by (clients check it).")
        List<String> hosts = List.of();

        @Option(names = "--days", defaultValue = "365", description = "How long it is valid. Default: ${DEFAULT-VALUE}.")
        int days;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Role r = Role.ofTitle(role);
            if (r == Role.SERVER && hosts.isEmpty()) {
                throw new IllegalArgumentException("a server certificate needs --host: the names and addresses clients"
                        + " reach it by");
            }
            if (r != Role.SERVER && !hosts.isEmpty()) {
                throw new IllegalArgumentException("--host is for server certificates only: a " + r.title()
                        + " certificate naming a host could pose as that server");
            }
            if (name.equals("ca") || name.equals("ca-key")) {
                throw new IllegalArgumentException("--name " + name + " would overwrite the CA's own files; choose"
                        + " another name");
            }
            requireFileName(name);
            TlsConfig files = TlsConfig.inDirectory(dir, name);
            X509Certificate issued = CertificateAuthority.load(dir).issue(name, r, hosts,
                    Instant.now(), validity(days), files.certificate(), files.privateKey());
            spec.commandLine().getOut().printf("%s: %s (role %s%s), valid until %s; key %s%n", name, files.certificate(),
                    r.title(), hosts.isEmpty() ? "" : ", hosts " + String.join(", ", hosts),
                    issued.getNotAfter().toInstant(), files.privateKey());
            return 0;
        }
    }

    @Command(name = "token", mixinStandardHelpOptions = true,
            description = {"Make a token for a client that cannot present a certificate: prints it once (it is not",
                "stored) and adds NAME ROLE sha256:HASH to FILE, the file servers take with --tokens. Delete the line",
                "to revoke it; servers see edits within a second."})
    static final class Token implements Callable<Integer> {
        private static final int TOKEN_BYTES = 32;

        @Option(names = "--file", required = true, description = "The token file (created if missing).")
        Path file;

        @Option(names = "--name", required = true, description = "Who the token is for, e.g. ci-job.")
        String name;

        @Option(names = "--role", required = true, description = "admin, readwrite or readonly.")
        String role;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Role r = Role.ofTitle(role);
            if (r == Role.SERVER) {
                throw new IllegalArgumentException("role server needs a certificate: tokens are for clients");
            }
            requireFileName(name);
            byte[] secret = new byte[TOKEN_BYTES];
            new SecureRandom().nextBytes(secret);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
            if (!Files.exists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Files.writeString(file, TokenFile.line(name, r, token) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
            spec.commandLine().getOut().println(token);
            spec.commandLine().getErr().printf("token for %s (role %s) added to %s; it is shown only now%n", name,
                    r.title(), file);
            return 0;
        }
    }

    /** {@code name} names files: letters, digits, '.', '_' and '-' only. */
    private static void requireFileName(String name) {
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("--name may hold letters, digits, '.', '_' and '-', got \"" + name + "\"");
        }
    }

    private static Duration validity(int days) {
        if (days < 1) {
            throw new IllegalArgumentException("--days must be at least 1, got " + days);
        }
        return Duration.ofDays(days);
    }
}
