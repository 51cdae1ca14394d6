package org.asynclm.bfcl.multiturn;

import static org.asynclm.bfcl.multiturn.Py.dict;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * BFCL's GorillaFileSystem (gorilla_file_system.py): a tree of directories and files and a current directory.
 * Its quirks are kept, because the ground truth was recorded with them: {@code mv} of a directory shares the
 * moved directory's contents, {@code cp} copies them shallowly, and moved children keep their old parent.
 */
public final class GorillaFileSystem extends Backend {
    private static final String INVALID_CHARACTERS = "|/\\?%*:\"><";
    // long_context.py: padding for files whose tail the tasks do not read, and empty files for leaf directories
    @SuppressWarnings("unchecked")
    private static final List<Object> FILES_TAIL_USED =
            List.copyOf((List<Object>) BackendData.longContext("FILES_TAIL_USED"));
    private static final String FILE_CONTENT_EXTENSION = (String) BackendData.longContext("FILE_CONTENT_EXTENSION");
    @SuppressWarnings("unchecked")
    private static final List<Object> POPULATE_FILE_EXTENSION =
            List.copyOf((List<Object>) BackendData.longContext("POPULATE_FILE_EXTENSION"));

    /** A file: equal to another with the same name and content. */
    public static final class File implements Py.PyObject {
        final String name;
        String content;

        File(String name, String content) {
            this.name = name;
            this.content = content;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof File f && name.equals(f.name) && content.equals(f.content);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, content);
        }

        @Override
        public String repr() {
            return "<<File: " + name + ", Content: " + content + ">>";
        }
    }

    /** A directory: equal to another with the same name and equal contents; the parent is not compared. */
    public static final class Directory implements Py.PyObject {
        final String name;
        final Directory parent;
        Map<String, Object> contents = new LinkedHashMap<>();

        Directory(String name, Directory parent) {
            this.name = name;
            this.parent = parent;
        }

        void addFile(String fileName, String content) throws PyException {
            if (contents.containsKey(fileName)) {
                throw new PyException("File '" + fileName + "' already exists in directory '" + name + "'.");
            }
            contents.put(fileName, new File(fileName, content));
        }

        void addDirectory(String dirName) throws PyException {
            if (contents.containsKey(dirName)) {
                throw new PyException("Directory '" + dirName + "' already exists in directory '" + name + "'.");
            }
            contents.put(dirName, new Directory(dirName, this));
        }

        Object item(String itemName) {
            return ".".equals(itemName) ? this : contents.get(itemName);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Directory d && name.equals(d.name) && contents.equals(d.contents);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, contents);
        }

        @Override
        public String repr() {
            return "<Directory: " + name + ", Parent: " + (parent != null ? parent.name : "None") + ", Contents: "
                    + Py.repr(contents) + ">";
        }

        /** The tree as name, type and contents, for reports and tests. */
        public Map<String, Object> contents() {
            return contents;
        }

        public String name() {
            return name;
        }
    }

    private Directory root;
    private Directory currentDir;
    private boolean longContext;

    public GorillaFileSystem() {
        method("pwd", a -> pwd());
        method("ls", a -> ls(a.bool("a")), optional("a", false));
        method("cd", a -> cd(a.str("folder")), required("folder"));
        method("mkdir", a -> mkdir(a.str("dir_name")), required("dir_name"));
        method("touch", a -> touch(a.str("file_name")), required("file_name"));
        method("echo", a -> echo(a.get("content"), a.str("file_name")), required("content"),
                optional("file_name", null));
        method("cat", a -> cat(a.str("file_name")), required("file_name"));
        method("find", a -> find(a.str("path"), a.str("name")), optional("path", "."), optional("name", null));
        method("wc", a -> wc(a.str("file_name"), a.get("mode")), required("file_name"), optional("mode", "l"));
        method("sort", a -> sort(a.str("file_name")), required("file_name"));
        method("grep", a -> grep(a.str("file_name"), a.str("pattern")), required("file_name"), required("pattern"));
        method("du", a -> du(a.bool("human_readable")), optional("human_readable", false));
        method("tail", a -> tail(a.str("file_name"), a.integer("lines")), required("file_name"), optional("lines", 10L));
        method("diff", a -> diff(a.str("file_name1"), a.str("file_name2")), required("file_name1"),
                required("file_name2"));
        method("mv", a -> mv(a.str("source"), a.str("destination")), required("source"), required("destination"));
        method("rm", a -> rm(a.str("file_name")), required("file_name"));
        method("rmdir", a -> rmdir(a.str("dir_name")), required("dir_name"));
        method("cp", a -> cp(a.str("source"), a.str("destination")), required("source"), required("destination"));
    }

    @Override
    public BackendClass kind() {
        return BackendClass.GORILLA_FILE_SYSTEM;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void load(Map<Object, Object> scenario, boolean longContext) {
        this.longContext = longContext;
        root = new Directory("/", null);
        if (scenario.get("root") instanceof Map<?, ?> given && !given.isEmpty()) {
            Map.Entry<?, ?> top = given.entrySet().iterator().next();
            Map<Object, Object> topData = (Map<Object, Object>) top.getValue();
            root = loadDirectory((Map<Object, Object>) topData.get("contents"), new Directory(Py.str(top.getKey()), null));
        }
        currentDir = root;
    }

    @SuppressWarnings("unchecked")
    private Directory loadDirectory(Map<Object, Object> current, Directory parent) {
        boolean bottommost = true;
        for (Map.Entry<Object, Object> e : current.entrySet()) {
            String name = Py.str(e.getKey());
            Map<Object, Object> data = (Map<Object, Object>) e.getValue();
            if ("directory".equals(data.get("type"))) {
                bottommost = false;
                Directory dir = loadDirectory((Map<Object, Object>) data.get("contents"), new Directory(name, parent));
                parent.contents.put(name, dir);
            } else if ("file".equals(data.get("type"))) {
                String content = Py.str(data.get("content"));
                if (longContext && !FILES_TAIL_USED.contains(name)) {
                    content += FILE_CONTENT_EXTENSION;
                }
                parent.contents.put(name, new File(name, content));
            }
        }
        if (bottommost && longContext) {
            for (Object name : POPULATE_FILE_EXTENSION) {
                parent.contents.putIfAbsent(Py.str(name), new File(Py.str(name), ""));
            }
        }
        return parent;
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("root", root);
        s.put("long_context", longContext);
        return s;
    }

    private Object pwd() {
        List<String> path = new ArrayList<>();
        for (Directory d = currentDir; d != null; d = d.parent) {
            path.add(0, d.name);
        }
        return dict("current_working_directory", "/" + String.join("/", path));
    }

    private Object ls(boolean all) {
        List<Object> names = new ArrayList<>();
        for (String n : currentDir.contents.keySet()) {
            if (all || !n.startsWith(".")) {
                names.add(n);
            }
        }
        return dict("current_directory_content", names);
    }

    private Object cd(String folder) {
        folder = rstrip(folder, '/');
        if (folder.isEmpty()) {
            folder = "/";
        }
        if (!List.of(".", "..", "/").contains(folder) && folder.contains("/")) {
            return dict("error", "cd: " + folder + ": Unsupported path. Only one folder level at a time is supported.");
        }
        if (folder.equals("..")) {
            if (currentDir.parent != null) {
                currentDir = currentDir.parent;
            } else if (root.equals(currentDir)) {
                return dict("error", "Current directory is already the root. Cannot go back.");
            } else {
                return dict("error", "cd: ..: No such directory");
            }
            return dict();
        }
        Object target = navigate(folder);
        if (target instanceof Map) {
            return target;
        }
        currentDir = (Directory) target;
        return dict("current_working_directory", currentDir.name);
    }

    private static boolean validName(String name) {
        return name.chars().noneMatch(c -> INVALID_CHARACTERS.indexOf(c) >= 0);
    }

    private Object mkdir(String name) throws PyException {
        if (!validName(name)) {
            return dict("error", "mkdir: cannot create directory '" + name + "': Invalid character");
        }
        if (currentDir.contents.containsKey(name)) {
            return dict("error", "mkdir: cannot create directory '" + name + "': File exists");
        }
        currentDir.addDirectory(name);
        return null;
    }

    private Object touch(String name) throws PyException {
        if (!validName(name)) {
            return dict("error", "touch: cannot touch '" + name + "': Invalid character");
        }
        if (currentDir.contents.containsKey(name)) {
            return dict("error", "touch: cannot touch '" + name + "': File exists");
        }
        currentDir.addFile(name, "");
        return null;
    }

    private Object echo(Object content, String fileName) throws PyException {
        if (fileName == null) {
            return dict("terminal_output", content);
        }
        if (!validName(fileName)) {
            return dict("error", "echo: cannot write to '" + fileName + "': Invalid character");
        }
        if (fileName.isEmpty()) {
            return dict("terminal_output", content);
        }
        if (!currentDir.contents.containsKey(fileName)) {
            return dict("error", "echo: cannot write to '" + fileName + "': No such file");
        }
        if (!(currentDir.item(fileName) instanceof File f)) {
            throw new PyException("'Directory' object has no attribute '_write'");
        }
        if (!(content instanceof String text)) {
            throw new PyException("can only concatenate str (not \"" + Py.typeName(content) + "\") to str");
        }
        f.content = text;
        return null;
    }

    private Object cat(String name) {
        if (!validName(name)) {
            return dict("error", "cat: '" + name + "': Invalid character");
        }
        if (!currentDir.contents.containsKey(name)) {
            return dict("error", "cat: '" + name + "': No such file or directory");
        }
        return currentDir.item(name) instanceof File f ? dict("file_content", f.content)
                : dict("error", "cat: '" + name + "': Is a directory");
    }

    private Object find(String path, String name) {
        Object target = navigate(path);
        if (target instanceof Map<?, ?> error) {
            String message = Py.str(((Map<?, ?>) error).get("error"));
            return message.startsWith("cd:") ? dict("error", "find:" + message.substring(3)) : error;
        }
        List<Object> matches = new ArrayList<>();
        search((Directory) target, rstrip(path, '/'), name, matches);
        return dict("matches", matches);
    }

    private static void search(Directory dir, String base, String name, List<Object> matches) {
        for (Map.Entry<String, Object> e : dir.contents.entrySet()) {
            String itemPath = base + "/" + e.getKey();
            if (name == null || e.getKey().contains(name)) {
                matches.add(itemPath);
            }
            if (e.getValue() instanceof Directory d) {
                search(d, itemPath, name, matches);
            }
        }
    }

    private File file(String name) {
        return currentDir.contents.containsKey(name) && currentDir.item(name) instanceof File f ? f : null;
    }

    private Object wc(String name, Object mode) {
        if (!List.of("l", "w", "c").contains(mode)) {
            return dict("error", "wc: invalid mode '" + Py.str(mode) + "'");
        }
        File f = file(name);
        if (f == null) {
            return dict("error", "wc: " + name + ": No such file or directory");
        }
        return switch ((String) mode) {
            case "l" -> dict("count", (long) PyStrings.splitlines(f.content).size(), "type", "lines");
            case "w" -> dict("count", (long) PyStrings.split(f.content).size(), "type", "words");
            default -> dict("count", PyStrings.len(f.content), "type", "characters");
        };
    }

    private Object sort(String name) {
        File f = file(name);
        if (f == null) {
            return dict("error", "sort: " + name + ": No such file or directory");
        }
        List<String> lines = new ArrayList<>(PyStrings.splitlines(f.content));
        lines.sort(PyStrings.CODE_POINT_ORDER);
        return dict("sorted_content", String.join("\n", lines));
    }

    private Object grep(String name, String pattern) {
        File f = file(name);
        if (f == null) {
            return dict("error", "grep: " + name + ": No such file or directory");
        }
        List<Object> matching = new ArrayList<>();
        for (String line : PyStrings.splitlines(f.content)) {
            if (line.contains(pattern)) {
                matching.add(line);
            }
        }
        return dict("matching_lines", matching);
    }

    private static long size(Object item) {
        if (item instanceof File f) {
            return f.content.getBytes(StandardCharsets.UTF_8).length;
        }
        long total = 0;
        for (Object child : ((Directory) item).contents.values()) {
            total += size(child);
        }
        return total;
    }

    private Object du(boolean humanReadable) {
        long total = size(currentDir);
        if (!humanReadable) {
            return dict("disk_usage", total + " bytes");
        }
        double value = total;
        for (String unit : List.of("B", "KB", "MB", "GB", "TB")) {
            if (value < 1024) {
                return dict("disk_usage", Py.formatFixed(value, 2) + " " + unit);
            }
            value /= 1024;
        }
        return dict("disk_usage", Py.formatFixed(value, 2) + " PB");
    }

    private Object tail(String name, long lines) {
        File f = file(name);
        if (f == null) {
            return dict("error", "tail: " + name + ": No such file or directory");
        }
        List<String> content = PyStrings.splitlines(f.content);
        long n = Math.min(lines, content.size());
        // content[-n:], with Python's slice rules: -0 is the whole list, a negative n counts from the front
        long start = n > 0 ? content.size() - n : Math.min(-n, content.size());
        return dict("last_lines", String.join("\n", content.subList((int) start, content.size())));
    }

    private Object diff(String name1, String name2) {
        File f1 = currentDir.contents.containsKey(name1) && currentDir.contents.containsKey(name2) ? file(name1) : null;
        File f2 = f1 != null ? file(name2) : null;
        if (f1 == null || f2 == null) {
            return dict("error", "diff: " + name1 + " or " + name2 + ": No such file or directory");
        }
        List<String> a = PyStrings.splitlines(f1.content);
        List<String> b = PyStrings.splitlines(f2.content);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            if (!a.get(i).equals(b.get(i))) {
                out.add("- " + a.get(i) + "\n+ " + b.get(i));
            }
        }
        return dict("diff_lines", String.join("\n", out));
    }

    private Object mv(String source, String destination) throws PyException {
        if (!currentDir.contents.containsKey(source)) {
            return dict("error", "mv: cannot move '" + source + "': No such file or directory");
        }
        Object item = currentDir.item(source);
        if (destination.contains("/")) {
            return dict("error", "mv: path not allowed in destination. Provide only a file or directory name.");
        }
        if (currentDir.contents.containsKey(destination)) {
            if (!(currentDir.item(destination) instanceof Directory target)) {
                return dict("error", "mv: cannot move '" + source + "' to '" + destination + "': Not a directory");
            }
            if (target.contents.containsKey(source)) {
                return dict("error", "mv: cannot move '" + source + "' to '" + destination + "/" + source
                        + "': File exists");
            }
            currentDir.contents.remove(source);
            place(target, source, item, false);
            return dict("result", "'" + source + "' moved to '" + destination + "/" + source + "'");
        }
        currentDir.contents.remove(source);
        place(currentDir, destination, item, false);
        return dict("result", "'" + source + "' moved to '" + destination + "'");
    }

    /** Adds a file with the item's content, or a directory holding the item's contents (shared, or copied). */
    private static void place(Directory into, String name, Object item, boolean copy) throws PyException {
        if (item instanceof File f) {
            into.addFile(name, f.content);
        } else {
            into.addDirectory(name);
            Map<String, Object> contents = ((Directory) item).contents;
            ((Directory) into.contents.get(name)).contents = copy ? new LinkedHashMap<>(contents) : contents;
        }
    }

    private Object rm(String name) {
        if (!currentDir.contents.containsKey(name)) {
            return dict("error", "rm: cannot remove '" + name + "': No such file or directory");
        }
        currentDir.contents.remove(name);
        return dict("result", "'" + name + "' removed");
    }

    private Object rmdir(String name) {
        if (!currentDir.contents.containsKey(name)) {
            return dict("error", "rmdir: cannot remove '" + name + "': No such file or directory");
        }
        if (!(currentDir.item(name) instanceof Directory d)) {
            return dict("error", "rmdir: cannot remove '" + name + "': Not a directory");
        }
        if (!d.contents.isEmpty()) {
            return dict("error", "rmdir: cannot remove '" + name + "': Directory not empty");
        }
        currentDir.contents.remove(name);
        return dict("result", "'" + name + "' removed");
    }

    private Object cp(String source, String destination) throws PyException {
        if (!currentDir.contents.containsKey(source)) {
            return dict("error", "cp: cannot copy '" + source + "': No such file or directory");
        }
        Object item = currentDir.item(source);
        if (destination.contains("/")) {
            return dict("error", "cp: path not allowed in destination. Provide only a file or directory name.");
        }
        if (currentDir.contents.containsKey(destination)) {
            if (!(currentDir.item(destination) instanceof Directory target)) {
                return dict("error", "cp: cannot copy '" + source + "' to '" + destination + "': Not a directory");
            }
            // Python tests "destination/source" as a name in the target, which never matches; a clash surfaces
            // as the ValueError of _add_file instead
            place(target, source, item, true);
            return dict("result", "'" + source + "' copied to '" + destination + "/" + source + "'");
        }
        place(currentDir, destination, item, true);
        return dict("result", "'" + source + "' copied to '" + destination + "'");
    }

    /** {@code _navigate_to_directory}: a directory, or the error dict. */
    private Object navigate(String path) {
        if (path == null || path.equals(".")) {
            return currentDir;
        }
        if (path.equals("/")) {
            return root;
        }
        Directory dir = path.startsWith("/") ? root : currentDir;
        for (String name : strip(path, '/').split("/", -1)) {
            if (!(dir.item(name) instanceof Directory next)) {
                return dict("error", "cd: '" + path + "': No such file or directory");
            }
            dir = next;
        }
        return dir;
    }

    private static String rstrip(String s, char c) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == c) {
            end--;
        }
        return s.substring(0, end);
    }

    private static String strip(String s, char c) {
        int start = 0;
        while (start < s.length() && s.charAt(start) == c) {
            start++;
        }
        return rstrip(s.substring(start), c);
    }
}
