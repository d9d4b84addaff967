package dev.gossamer.membership;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Transmit-limited broadcast queue (memberlist queue.go): one pending update per member id (a newer one replaces
 * the older), each sent at most {@code limit} times, fewest-sent first and newest first among equals, packed into
 * the room left in a packet. Single-threaded.
 */
final class BroadcastQueue {

    private static final Comparator<Item> ORDER = Comparator.<Item>comparingInt(i -> i.transmits)
            .thenComparing(Comparator.<Item>comparingLong(i -> i.id).reversed());

    private final TreeSet<Item> items = new TreeSet<>(ORDER);
    private final Map<String, Item> byKey = new HashMap<>();
    private long nextId;

    private static final class Item {
        final String key;
        final byte[] bytes;
        final long id;
        int transmits;

        Item(String key, byte[] bytes, long id) {
            this.key = key;
            this.bytes = bytes;
            this.id = id;
        }
    }

    /** Queues {@code part} (an encoded message) about member {@code key}, replacing any older one about it. */
    void add(String key, byte[] part) {
        Item old = byKey.remove(key);
        if (old != null) {
            items.remove(old);
        }
        Item it = new Item(key, part, nextId++);
        items.add(it);
        byKey.put(key, it);
    }

    int size() {
        return items.size();
    }

    boolean isEmpty() {
        return items.isEmpty();
    }

    /**
     * Takes updates that fit in {@code budget} bytes (at most {@code maxParts}), counting one transmission each and
     * dropping those that reached {@code limit}.
     */
    List<byte[]> take(int budget, int maxParts, int limit) {
        if (items.isEmpty() || budget <= 0 || maxParts <= 0) {
            return List.of();
        }
        List<Item> taken = new ArrayList<>();
        int room = budget;
        for (Item it : items) {
            if (it.bytes.length <= room) {
                taken.add(it);
                room -= it.bytes.length;
                if (room < 16 || taken.size() >= maxParts) {
                    break;
                }
            }
        }
        List<byte[]> out = new ArrayList<>(taken.size());
        for (Item it : taken) {
            items.remove(it);
            it.transmits++;
            out.add(it.bytes);
            if (it.transmits < limit) {
                items.add(it);
            } else {
                byKey.remove(it.key);
            }
        }
        return out;
    }
}
