package io.shardkv.rpc.tls;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

/** Who a verified peer certificate names, and with which role. */
public final class PeerCertificates {

    private PeerCertificates() {
    }

    /** The holder and role of a session's peer, whose chain TLS has already verified. */
    public static Holder of(SSLSession session) throws SSLPeerUnverifiedException {
        Certificate[] chain = session.getPeerCertificates();
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate certificate)) {
            throw new SSLPeerUnverifiedException("the peer presented no X.509 certificate");
        }
        return of(certificate);
    }

    /** The holder (CN) and role (OU) {@code certificate} names; the role is null if the OU names none. */
    public static Holder of(X509Certificate certificate) {
        String subject = certificate.getSubjectX500Principal().getName();
        String holder = subject;
        Role role = null;
        try {
            for (Rdn rdn : new LdapName(subject).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    holder = rdn.getValue().toString();
                } else if (rdn.getType().equalsIgnoreCase("OU")) {
                    try {
                        role = Role.ofTitle(rdn.getValue().toString());
                    } catch (IllegalArgumentException unknown) {
                        role = null;
                    }
                }
            }
        } catch (InvalidNameException e) {
            return new Holder(subject, null);
        }
        return new Holder(holder, role);
    }

    /** A certificate's holder and role (null: the certificate names no role, and may do nothing). */
    public record Holder(String name, Role role) {
        @Override
        public String toString() {
            return "'" + name + "' (role " + (role == null ? "none" : role.title()) + ")";
        }
    }
}
