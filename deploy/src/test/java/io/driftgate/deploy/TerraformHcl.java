package io.driftgate.deploy;

import static org.junit.jupiter.api.Assumptions.abort;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small evaluator of the Terraform module's {@code helm_values} output for one root module (the
 * dev example), on the JSON that {@code deploy/scripts/tf-check.cjs} writes from the HCL ({@code
 * deploy/target/terraform/module.json}, {@code example-dev.json}). It understands exactly the
 * expression forms the output uses (object and list constructors, string templates, references to
 * variables, locals and resource attributes, {@code cond ? a : b}, {@code x == n}, {@code
 * length(...)}, {@code [for p in LIST : p.attr]}, index {@code [0]}) and fails on anything else, so
 * a new form in the output makes the test fail instead of passing unchecked.
 */
final class TerraformHcl {
  private final Map<String, Object> module;
  private final Map<String, Object> call;

  private TerraformHcl(Map<String, Object> module, Map<String, Object> call) {
    this.module = module;
    this.call = call;
  }

  /** The module and the dev example's call of it, from deploy/target/terraform. */
  static TerraformHcl devExample() throws IOException {
    Path dir = Path.of(System.getProperty("driftgate.rendered.dir", "target")).resolve("terraform");
    Path mod = dir.resolve("module.json");
    Path ex = dir.resolve("example-dev.json");
    if (!Files.isRegularFile(mod) || !Files.isRegularFile(ex)) {
      String msg = "no " + mod + ": run deploy/scripts/validate.sh (tf-check.cjs writes it)";
      if (System.getenv("CI") != null) {
        throw new IllegalStateException(msg);
      }
      abort(msg);
    }
    Map<String, Object> module = json(mod);
    Map<String, Object> example = json(ex);
    Map<String, Object> calls = map(example.get("module"));
    Map<String, Object> call = first(calls.get("driftgate"));
    // the example's own variables: their defaults, and the tfvars example's values
    Map<String, Object> exVars = new LinkedHashMap<>();
    for (Map.Entry<String, Object> v : map(example.get("variable")).entrySet()) {
      Object d = first(v.getValue()).get("default");
      if (d != null) {
        exVars.put(v.getKey(), d);
      }
    }
    Path tfvars =
        RenderedManifests.REPO_ROOT.resolve(
            "infra/terraform/examples/dev/terraform.tfvars.example");
    Matcher m =
        Pattern.compile("(?m)^(\\w+)\\s*=\\s*\"([^\"]*)\"$")
            .matcher(Files.readString(tfvars, StandardCharsets.UTF_8));
    while (m.find()) {
      exVars.put(m.group(1), m.group(2));
    }
    // the example's arguments, evaluated against its own variables
    TerraformHcl exEval = new TerraformHcl(Map.of(), Map.of());
    Map<String, Object> args = new LinkedHashMap<>();
    for (Map.Entry<String, Object> a : call.entrySet()) {
      if (!a.getKey().equals("source")) {
        args.put(a.getKey(), exEval.evalJson(a.getValue(), Map.of("var", exVars)));
      }
    }
    return new TerraformHcl(module, args);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(Path p) throws IOException {
    return Serialization.unmarshal(Files.readString(p, StandardCharsets.UTF_8), Map.class);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return o == null ? Map.of() : (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> first(Object blocks) {
    return blocks instanceof List<?> l && !l.isEmpty() ? (Map<String, Object>) l.get(0) : Map.of();
  }

  /** The value of {@code output "helm_values"} for the example, as the YAML it encodes. */
  Object helmValues() {
    String expr = (String) first(map(module.get("output")).get("helm_values")).get("value");
    String inner = unwrap(expr);
    if (!inner.startsWith("yamlencode(") || !inner.endsWith(")")) {
      throw new IllegalStateException("helm_values is not yamlencode({...}): " + expr);
    }
    return eval(inner.substring("yamlencode(".length(), inner.length() - 1), Map.of());
  }

  /** The value of one variable of the module as the example sets it (defaults applied). */
  Object var(String name) {
    Object given = call.get(name);
    Map<String, Object> decl = first(map(module.get("variable")).get(name));
    String type = String.valueOf(decl.getOrDefault("type", ""));
    Object dflt = decl.containsKey("default") ? evalJson(decl.get("default"), Map.of()) : null;
    Object value = given != null ? given : dflt;
    if (value instanceof Map<?, ?> || (value == null && type.startsWith("${object("))) {
      // object variables: optional(type, default) attributes the caller left out
      Map<String, Object> out = new LinkedHashMap<>(map(value));
      Matcher m =
          Pattern.compile("(\\w+)\\s*=\\s*optional\\((\\w+),\\s*(\"[^\"]*\"|[\\w.]+)\\)")
              .matcher(type);
      while (m.find()) {
        if (!out.containsKey(m.group(1))) {
          String lit = m.group(3);
          out.put(
              m.group(1), lit.startsWith("\"") ? lit.substring(1, lit.length() - 1) : literal(lit));
        }
      }
      return out;
    }
    return value;
  }

  private static Object literal(String s) {
    if (s.equals("true") || s.equals("false")) {
      return Boolean.valueOf(s);
    }
    if (s.matches("-?\\d+")) {
      return Long.valueOf(s);
    }
    return s;
  }

  private static String unwrap(String expr) {
    if (expr.startsWith("${") && expr.endsWith("}")) {
      return expr.substring(2, expr.length() - 1).strip();
    }
    throw new IllegalStateException("not an expression: " + expr);
  }

  /** A value of hcl2json's JSON: strings are templates, maps and lists recurse. */
  @SuppressWarnings("unchecked")
  Object evalJson(Object v, Map<String, Object> scope) {
    if (v instanceof String s) {
      return template(s, scope);
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      ((Map<String, Object>) m).forEach((k, x) -> out.put(k, evalJson(x, scope)));
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (Object x : l) {
        out.add(evalJson(x, scope));
      }
      return out;
    }
    return v;
  }

  /** A string template: a lone ${expr} keeps its type, otherwise the parts are joined. */
  Object template(String s, Map<String, Object> scope) {
    if (s.startsWith("${") && matchingBrace(s, 1) == s.length() - 1) {
      return eval(s.substring(2, s.length() - 1), scope);
    }
    return new Parser("\"" + s + "\"", scope).parseString();
  }

  private static int matchingBrace(String s, int open) {
    int depth = 0;
    boolean inStr = false;
    for (int i = open; i < s.length(); i++) {
      char c = s.charAt(i);
      if (inStr) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inStr = false;
        }
        continue;
      }
      if (c == '"') {
        inStr = true;
      } else if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return i;
      }
    }
    return -1;
  }

  Object eval(String expr, Map<String, Object> scope) {
    Parser p = new Parser(expr, scope);
    Object v = p.parseExpr();
    p.skip();
    if (p.pos != expr.length()) {
      throw new IllegalStateException("unparsed rest of " + expr + ": " + expr.substring(p.pos));
    }
    return v;
  }

  /** Resource attributes the output uses, from the resources' own arguments. */
  Object resourceAttr(String type, String name, String attr) {
    Map<String, Object> r = first(map(map(module.get("resource")).get(type)).get(name));
    if (r.isEmpty()) {
      throw new IllegalStateException("no resource " + type + "." + name);
    }
    String project = String.valueOf(var("project_id"));
    switch (type + "." + attr) {
      case "google_storage_bucket.url":
        return "gs://" + evalJson(r.get("name"), Map.of());
      case "google_storage_bucket.name":
      case "google_sql_database.name":
        return evalJson(r.get("name"), Map.of());
      case "google_service_account.email":
        return evalJson(r.get("account_id"), Map.of()) + "@" + project + ".iam.gserviceaccount.com";
      case "google_sql_database_instance.connection_name":
        return project
            + ":"
            + evalJson(r.get("region"), Map.of())
            + ":"
            + evalJson(r.get("name"), Map.of());
      case "google_artifact_registry_repository.location":
        return evalJson(r.get("location"), Map.of());
      case "google_artifact_registry_repository.repository_id":
        return evalJson(r.get("repository_id"), Map.of());
      default:
        throw new IllegalStateException(
            "attribute not modelled: " + type + "." + name + "." + attr);
    }
  }

  Object local(String name) {
    for (Object block : (List<?>) module.getOrDefault("locals", List.of())) {
      Map<String, Object> m = map(block);
      if (m.containsKey(name)) {
        return evalJson(m.get(name), Map.of());
      }
    }
    throw new IllegalStateException("no local " + name);
  }

  /** Recursive descent over the expression subset; see the class comment. */
  private final class Parser {
    private final String s;
    private final Map<String, Object> scope;
    int pos;

    Parser(String s, Map<String, Object> scope) {
      this.s = s;
      this.scope = scope;
    }

    void skip() {
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (Character.isWhitespace(c) || c == ',') {
          pos++;
        } else if (c == '#') {
          while (pos < s.length() && s.charAt(pos) != '\n') {
            pos++;
          }
        } else {
          return;
        }
      }
    }

    boolean peek(String t) {
      skip();
      return s.startsWith(t, pos);
    }

    void expect(String t) {
      if (!peek(t)) {
        throw new IllegalStateException("expected '" + t + "' at " + pos + " in " + s);
      }
      pos += t.length();
    }

    Object parseExpr() {
      Object v = parseCompare();
      if (peek("?")) {
        pos++;
        Object a = parseExpr();
        expect(":");
        Object b = parseExpr();
        return Boolean.TRUE.equals(v) ? a : b;
      }
      return v;
    }

    Object parseCompare() {
      Object v = parsePrimary();
      if (peek("==")) {
        pos += 2;
        Object w = parsePrimary();
        return String.valueOf(v).equals(String.valueOf(w));
      }
      return v;
    }

    Object parsePrimary() {
      skip();
      char c = s.charAt(pos);
      if (c == '{') {
        return parseObject();
      }
      if (c == '(') {
        pos++;
        Object v = parseExpr();
        expect(")");
        return v;
      }
      if (c == '[') {
        return parseList();
      }
      if (c == '"') {
        return parseString();
      }
      if (Character.isDigit(c)) {
        int start = pos;
        while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
          pos++;
        }
        return Long.valueOf(s.substring(start, pos));
      }
      String id = ident();
      if (peek("(")) {
        pos++;
        Object arg = parseExpr();
        expect(")");
        switch (id) {
          case "length":
            return (long) (arg instanceof Map<?, ?> m ? m.size() : ((List<?>) arg).size());
          case "trimspace":
            return String.valueOf(arg).strip();
          case "distinct":
            return new ArrayList<>(new java.util.LinkedHashSet<>((List<?>) arg));
          default:
            break;
        }
        throw new IllegalStateException("function not modelled: " + id);
      }
      if (id.startsWith("google_") && id.split("\\.").length == 2 && peek("[")) {
        // a counted resource's instance (google_x.name[0].attr): names do not depend on it
        pos++;
        parseExpr();
        expect("]");
        expect(".");
        return reference(id + "." + ident());
      }
      Object v = reference(id);
      while (peek("[")) {
        pos++;
        Object i = parseExpr();
        expect("]");
        v = ((List<?>) v).get(((Number) i).intValue());
      }
      return v;
    }

    String ident() {
      skip();
      int start = pos;
      while (pos < s.length()
          && (Character.isLetterOrDigit(s.charAt(pos)) || "_.-".indexOf(s.charAt(pos)) >= 0)) {
        pos++;
      }
      if (start == pos) {
        throw new IllegalStateException("expected a name at " + pos + " in " + s);
      }
      return s.substring(start, pos);
    }

    Object reference(String id) {
      if (id.equals("true") || id.equals("false")) {
        return Boolean.valueOf(id);
      }
      if (id.equals("null")) {
        return null;
      }
      String[] parts = id.split("\\.");
      Object base;
      int rest;
      if (scope.containsKey(parts[0])) {
        base = scope.get(parts[0]);
        rest = 1;
      } else if (parts[0].equals("var")) {
        base = module.isEmpty() ? null : var(parts[1]);
        rest = 2;
      } else if (parts[0].equals("local")) {
        base = local(parts[1]);
        rest = 2;
      } else if (parts[0].startsWith("google_") && parts.length == 3) {
        return resourceAttr(parts[0], parts[1], parts[2]);
      } else {
        throw new IllegalStateException("reference not modelled: " + id);
      }
      for (int i = rest; i < parts.length; i++) {
        base = map(base).get(parts[i]);
      }
      return base;
    }

    Map<String, Object> parseObject() {
      expect("{");
      Map<String, Object> out = new LinkedHashMap<>();
      while (!peek("}")) {
        String key = peek("\"") ? String.valueOf(parseString()) : ident();
        expect("=");
        out.put(key, parseExpr());
      }
      expect("}");
      return out;
    }

    List<Object> parseList() {
      expect("[");
      List<Object> out = new ArrayList<>();
      if (peek("for ")) {
        pos += 4;
        String name = ident();
        expect("in");
        Object list = parseExpr();
        expect(":");
        int bodyStart = pos;
        for (Object item : (List<?>) list) {
          Map<String, Object> inner = new LinkedHashMap<>(scope);
          inner.put(name, item);
          Parser body = new Parser(s, inner);
          body.pos = bodyStart;
          out.add(body.parseExpr());
          pos = body.pos;
        }
        if (((List<?>) list).isEmpty()) {
          throw new IllegalStateException("for over an empty list is not modelled");
        }
        expect("]");
        return out;
      }
      while (!peek("]")) {
        out.add(parseExpr());
      }
      expect("]");
      return out;
    }

    Object parseString() {
      expect("\"");
      StringBuilder b = new StringBuilder();
      while (s.charAt(pos) != '"') {
        char c = s.charAt(pos);
        if (c == '\\') {
          b.append(s.charAt(pos + 1));
          pos += 2;
        } else if (c == '$' && s.startsWith("${", pos)) {
          int end = matchingBrace(s, pos + 1);
          b.append(eval(s.substring(pos + 2, end), scope));
          pos = end + 1;
        } else {
          b.append(c);
          pos++;
        }
      }
      pos++;
      return b.toString();
    }
  }
}
