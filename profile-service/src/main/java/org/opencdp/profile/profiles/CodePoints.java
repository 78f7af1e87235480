package org.opencdp.profile.profiles;

/**
 * Text order by Unicode code point, which is the byte order of UTF-8 and so PostgreSQL's
 * {@code COLLATE "C"}: the order profiles are locked in (Java and SQL alike), and the order of
 * messageIds and strings in computed traits.
 */
public final class CodePoints {

    public static final java.util.Comparator<String> ORDER = CodePoints::compare;

    public static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private CodePoints() {
    }
}
