package dev.gossamer.membership;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-GCM keys for gossip (memberlist's keyring): the primary key encrypts, every installed key is tried to
 * decrypt. Rotation without downtime: {@link #install} the new key everywhere, then {@link #use} it everywhere,
 * then {@link #remove} the old one.
 *
 * <p>Threading: thread-safe; changes are atomic (copy on write). Nonces come from {@link SecureRandom}, not from the
 * protocol's injected randomness: a repeated nonce under one key breaks GCM.
 */
public final class Keyring {

    static final int NONCE_BYTES = 12;
    static final int TAG_BITS = 128;
    static final int OVERHEAD = NONCE_BYTES + TAG_BITS / 8;

    private volatile List<byte[]> keys;
    private final SecureRandom secureRandom = new SecureRandom();

    private Keyring(List<byte[]> keys) {
        this.keys = keys;
    }

    /** A keyring whose first key is primary; keys are 16, 24 or 32 bytes (AES-128/192/256). */
    public static Keyring of(List<byte[]> keys) {
        Objects.requireNonNull(keys, "keys");
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("keys: 0 (expected: >= 1)");
        }
        List<byte[]> copy = new ArrayList<>();
        for (byte[] k : keys) {
            copy.add(checkKey(k));
        }
        return new Keyring(List.copyOf(copy));
    }

    public static Keyring of(byte[] primary) {
        return of(List.of(primary));
    }

    /** Adds {@code key} as a secondary key (accepted for decryption). */
    public synchronized void install(byte[] key) {
        byte[] k = checkKey(key);
        if (indexOf(k) < 0) {
            List<byte[]> n = new ArrayList<>(keys);
            n.add(k);
            keys = List.copyOf(n);
        }
    }

    /** Makes an installed {@code key} primary. */
    public synchronized void use(byte[] key) {
        int i = indexOf(key);
        if (i < 0) {
            throw new IllegalArgumentException("key: not installed (expected: an installed key)");
        }
        List<byte[]> n = new ArrayList<>(keys);
        n.add(0, n.remove(i));
        keys = List.copyOf(n);
    }

    /** Removes a secondary key; the primary cannot be removed. */
    public synchronized void remove(byte[] key) {
        int i = indexOf(key);
        if (i == 0) {
            throw new IllegalArgumentException("key: primary (expected: a secondary key)");
        }
        if (i > 0) {
            List<byte[]> n = new ArrayList<>(keys);
            n.remove(i);
            keys = List.copyOf(n);
        }
    }

    /** Number of installed keys. */
    public int size() {
        return keys.size();
    }

    private int indexOf(byte[] key) {
        List<byte[]> ks = keys;
        for (int i = 0; i < ks.size(); i++) {
            if (Arrays.equals(ks.get(i), key)) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] checkKey(byte[] k) {
        Objects.requireNonNull(k, "key");
        if (k.length != 16 && k.length != 24 && k.length != 32) {
            throw new IllegalArgumentException("key: " + k.length + " bytes (expected: 16, 24 or 32)");
        }
        return k.clone();
    }

    /** Writes nonce ‖ ciphertext ‖ tag of {@code plain} into a new array after {@code header} (also the AAD). */
    byte[] seal(byte[] header, byte[] plain, int plainLen) {
        byte[] nonce = new byte[NONCE_BYTES];
        secureRandom.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keys.get(0), "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(header);
            byte[] out = new byte[header.length + NONCE_BYTES + c.getOutputSize(plainLen)];
            System.arraycopy(header, 0, out, 0, header.length);
            System.arraycopy(nonce, 0, out, header.length, NONCE_BYTES);
            c.doFinal(plain, 0, plainLen, out, header.length + NONCE_BYTES);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /** Plaintext of {@code data[off..]} (nonce ‖ ciphertext ‖ tag) under any installed key, or null. */
    byte[] open(byte[] data, int headerLen) {
        if (data.length - headerLen < OVERHEAD) {
            return null;
        }
        GCMParameterSpec spec = new GCMParameterSpec(TAG_BITS, data, headerLen, NONCE_BYTES);
        for (byte[] key : keys) {
            try {
                Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), spec);
                c.updateAAD(data, 0, headerLen);
                return c.doFinal(data, headerLen + NONCE_BYTES, data.length - headerLen - NONCE_BYTES);
            } catch (GeneralSecurityException e) {
                // wrong key or tampered: try the next key
            }
        }
        return null;
    }
}
