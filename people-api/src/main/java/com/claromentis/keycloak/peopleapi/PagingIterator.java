package com.claromentis.keycloak.peopleapi;

import com.claromentis.keycloak.peopleapi.error.MalformedResponseException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Walks a paged list lazily. It advances its own offset by the number of items received rather than following
 * the server's {@code next} URL: the URL may name an internal host (reverse proxies) and following server-supplied
 * URLs with our credentials attached would send them wherever the server points. {@code next} only says whether
 * there is more.
 */
final class PagingIterator<T> implements Iterator<T> {

    /**
     * Most items one walk reads: a server that keeps reporting another page must not keep a caller reading (and
     * holding) forever. Far above any Claromentis site; callers with their own, lower bound stop earlier.
     */
    static final int MAX_ITEMS = 2_000_000;

    private final IntFunction<Page<T>> fetch;
    private final String what;
    private final Deque<T> buffer = new ArrayDeque<>();
    private final Set<String> seenNext = new HashSet<>();
    private int offset;
    private boolean done;

    PagingIterator(IntFunction<Page<T>> fetch, int startOffset, String what) {
        this.fetch = fetch;
        this.offset = startOffset;
        this.what = what;
    }

    static <T> Stream<T> stream(IntFunction<Page<T>> fetch, int startOffset, String what) {
        Iterator<T> it = new PagingIterator<>(fetch, startOffset, what);
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL),
                false);
    }

    @Override
    public boolean hasNext() {
        while (buffer.isEmpty() && !done) {
            Page<T> page = fetch.apply(offset);
            if (page.offset() != offset) {
                // A server ignoring offset would make us loop over the first page forever.
                throw new MalformedResponseException("Malformed response from " + what + ": asked for offset "
                        + offset + " but got offset " + page.offset(), 200, null);
            }
            if (page.next() != null && !seenNext.add(page.next())) {
                // Offsets advance with every page, so a next link seen before means the server is going round in circles.
                throw new MalformedResponseException("Malformed response from " + what + ": the next page link repeats "
                        + "at offset " + offset, 200, null);
            }
            if ((long) offset + page.items().size() > MAX_ITEMS) {
                throw new MalformedResponseException("Malformed response from " + what + ": more than " + MAX_ITEMS
                        + " items in one list", 200, null);
            }
            buffer.addAll(page.items());
            offset += page.items().size();
            done = page.items().isEmpty() || !page.hasNext();
        }
        return !buffer.isEmpty();
    }

    @Override
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return buffer.poll();
    }
}
