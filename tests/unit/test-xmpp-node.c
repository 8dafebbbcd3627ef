/* test-xmpp-node.c: the stanza tree, its lookups and its serialiser
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <pthread.h>
#include <string.h>

#include "xmpp/xmpp.h"

#define NS_CLIENT "jabber:client"

static void
test_node_names_are_interned (void)
{
  g_autoptr(XmppNode) node = NULL;
  g_autofree char *name = g_strdup ("message");

  node = xmpp_node_new (name, NS_CLIENT);
  g_assert_true (xmpp_node_get_name (node) == g_intern_string ("message"));
  g_assert_true (xmpp_node_get_xmlns (node) == g_intern_string (NS_CLIENT));
  g_assert_true (xmpp_node_is (node, "message", NS_CLIENT));
  g_assert_true (xmpp_node_is (node, "message", NULL));
  g_assert_true (xmpp_node_is (node, NULL, NS_CLIENT));
  g_assert_false (xmpp_node_is (node, "presence", NS_CLIENT));
  g_assert_false (xmpp_node_is (node, "message", "jabber:server"));
  g_assert_false (xmpp_node_is (node, "message", ""));
}

static void
test_node_attributes_set_get_remove (void)
{
  g_autoptr(XmppNode) node = xmpp_node_new ("iq", NS_CLIENT);
  const char *value = NULL;

  g_assert_null (xmpp_node_get_attribute (node, "type"));
  xmpp_node_set_attribute (node, "type", "get");
  xmpp_node_set_attribute (node, "id", "x1");
  xmpp_node_set_attribute (node, "xml:lang", "en");
  g_assert_cmpuint (xmpp_node_get_attribute_count (node), ==, 3);
  g_assert_cmpstr (xmpp_node_get_attribute (node, "type"), ==, "get");
  g_assert_cmpstr (xmpp_node_get_attribute (node, "xml:lang"), ==, "en");

  xmpp_node_set_attribute (node, "type", "set");
  g_assert_cmpstr (xmpp_node_get_attribute (node, "type"), ==, "set");
  g_assert_cmpuint (xmpp_node_get_attribute_count (node), ==, 3);

  xmpp_node_set_attribute (node, "id", NULL);
  g_assert_null (xmpp_node_get_attribute (node, "id"));
  g_assert_cmpuint (xmpp_node_get_attribute_count (node), ==, 2);
  xmpp_node_set_attribute (node, "missing", NULL);
  g_assert_cmpuint (xmpp_node_get_attribute_count (node), ==, 2);

  g_assert_cmpstr (xmpp_node_get_attribute_at (node, 0, &value), ==, "type");
  g_assert_cmpstr (value, ==, "set");
  g_assert_true (xmpp_node_get_attribute_at (node, 1, &value) == g_intern_string ("xml:lang"));
  g_assert_cmpstr (value, ==, "en");
}

static void
test_node_text_escaped_in_serialisation (void)
{
  g_autoptr(XmppNode) body = xmpp_node_new ("body", NS_CLIENT);
  g_autofree char *xml = NULL;

  xmpp_node_set_text (body, "<b>bold</b> & \"quotes\" 'too' ]]> a\r\nb");
  xml = xmpp_node_to_string (body);
  g_assert_cmpstr (xml, ==,
                   "<body xmlns='jabber:client'>&lt;b&gt;bold&lt;/b&gt; &amp; \"quotes\" 'too' "
                   "]]&gt; a&#13;\nb</body>");
}

static void
test_node_attribute_escaped_in_serialisation (void)
{
  g_autoptr(XmppNode) node = xmpp_node_new ("item", "jabber:iq:roster");
  g_autofree char *xml = NULL;

  xmpp_node_set_attribute (node, "name", "Tom & \"Jerry\" <'cat'>\tline\r\nbreak");
  xml = xmpp_node_to_string (node);
  g_assert_cmpstr (xml, ==,
                   "<item xmlns='jabber:iq:roster' name='Tom &amp; &quot;Jerry&quot; "
                   "&lt;&apos;cat&apos;&gt;&#9;line&#13;&#10;break'/>");
}

static void
test_node_unrepresentable_characters_replaced (void)
{
  g_autoptr(XmppNode) node = xmpp_node_new ("body", NULL);
  g_autofree char *xml = NULL;

  /* NUL cannot be in a C string; the rest XML 1.0 cannot carry at all. */
  xmpp_node_set_text (node, "a\x01" "b\xc0\xbc" "c\xed\xa0\x80" "d\xef\xbf\xbe" "e\xe2\x82\xac");
  xmpp_node_set_attribute (node, "x", "\x1b[0m");
  xml = xmpp_node_to_string (node);
  g_assert_cmpstr (xml, ==,
                   "<body x='\xef\xbf\xbd[0m'>a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd"
                   "c\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "d\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
                   "e\xe2\x82\xac</body>");
}

static void
test_node_namespace_written_once (void)
{
  g_autoptr(XmppNode) message = NULL;
  g_autoptr(GString) out = g_string_new ("");
  g_autofree char *xml = NULL;
  XmppNode *sid;

  message = xmpp_node_build ("message", NS_CLIENT, "to", "juliet@example.com", "type", "chat",
                             NULL);
  xmpp_node_add_text_child (message, "body", NULL, "Hi");
  sid = xmpp_node_add_child_with_attributes (message, "stanza-id", "urn:xmpp:sid:0",
                                             "id", "s1", "by", "example.com", NULL);
  xmpp_node_add_child (sid, "inner", NULL);
  xmpp_node_add_child (message, "active", "http://jabber.org/protocol/chatstates");
  xmpp_node_add_child (message, "thread", NS_CLIENT);

  g_assert_true (xmpp_node_get_xmlns (xmpp_node_get_child (message, "body", NULL)) ==
                 g_intern_string (NS_CLIENT));
  g_assert_true (xmpp_node_get_xmlns (xmpp_node_get_child (sid, "inner", NULL)) ==
                 g_intern_string ("urn:xmpp:sid:0"));

  xml = xmpp_node_to_string (message);
  g_assert_cmpstr (xml, ==,
                   "<message xmlns='jabber:client' to='juliet@example.com' type='chat'>"
                   "<body>Hi</body>"
                   "<stanza-id xmlns='urn:xmpp:sid:0' id='s1' by='example.com'><inner/></stanza-id>"
                   "<active xmlns='http://jabber.org/protocol/chatstates'/>"
                   "<thread/>"
                   "</message>");

  /* Inside a jabber:client stream the stanza's own xmlns is left out. */
  xmpp_node_write (message, out, NS_CLIENT);
  g_assert_true (g_str_has_prefix (out->str,
                                   "<message to='juliet@example.com' type='chat'><body>"));
  g_assert_cmpuint (strlen (out->str), ==, strlen (xml) - strlen (" xmlns='jabber:client'"));
}

static void
test_node_no_namespace_child_is_undeclared (void)
{
  g_autoptr(XmppNode) node = xmpp_node_new ("x", "urn:a");
  g_autofree char *xml = NULL;

  xmpp_node_add_child (node, "plain", "");
  g_assert_null (xmpp_node_get_xmlns (xmpp_node_get_child_at (node, 0)));
  xml = xmpp_node_to_string (node);
  g_assert_cmpstr (xml, ==, "<x xmlns='urn:a'><plain xmlns=''/></x>");
}

static void
test_node_xml_namespace_keeps_its_prefix (void)
{
  g_autoptr(XmppNode) node = xmpp_node_new ("wrapper", "urn:w");
  g_autofree char *xml = NULL;
  XmppNode *odd;

  odd = xmpp_node_add_child (node, "odd", XMPP_NS_XML);
  xmpp_node_add_child (odd, "inner", NULL);
  xmpp_node_add_child (odd, "other", "urn:w");
  xml = xmpp_node_to_string (node);
  g_assert_cmpstr (xml, ==,
                   "<wrapper xmlns='urn:w'><xml:odd><xml:inner/><other xmlns='urn:w'/></xml:odd>"
                   "</wrapper>");
}

static void
test_node_builder_skips_null_values (void)
{
  g_autoptr(XmppNode) iq = NULL;
  g_autofree char *xml = NULL;
  XmppNode *query;

  iq = xmpp_node_build ("iq", NS_CLIENT, "type", "get", "to", NULL, "id", "r1", NULL);
  query = xmpp_node_add_child (iq, "query", "jabber:iq:roster");
  xmpp_node_set_attributes (query, "ver", "v7", "skip", NULL, NULL);
  xmpp_node_add_child_with_attributes (query, "item", NULL,
                                       "jid", "romeo@example.net", "name", "Romeo", NULL);

  xml = xmpp_node_to_string (iq);
  g_assert_cmpstr (xml, ==,
                   "<iq xmlns='jabber:client' type='get' id='r1'>"
                   "<query xmlns='jabber:iq:roster' ver='v7'>"
                   "<item jid='romeo@example.net' name='Romeo'/>"
                   "</query></iq>");
}

static void
test_node_child_lookups (void)
{
  g_autoptr(XmppNode) message = xmpp_node_new ("message", NS_CLIENT);
  g_autofree char *name = g_strdup ("body");
  XmppNode *body;
  XmppNode *delay;
  XmppNode **children;
  guint n = 0;

  body = xmpp_node_add_text_child (message, "body", NULL, "first");
  xmpp_node_add_text_child (message, "body", "urn:other", "other");
  delay = xmpp_node_add_child (message, "delay", "urn:xmpp:delay");
  xmpp_node_add_child (message, "subject", NULL);

  /* A string that is not interned still matches. */
  g_assert_true (xmpp_node_get_child (message, name, NS_CLIENT) == body);
  g_assert_true (xmpp_node_get_child (message, "body", NULL) == body);
  g_assert_cmpstr (xmpp_node_get_child_text (message, "body", "urn:other"), ==, "other");
  g_assert_true (xmpp_node_get_child (message, NULL, "urn:xmpp:delay") == delay);
  g_assert_null (xmpp_node_get_child (message, "delay", NS_CLIENT));
  g_assert_null (xmpp_node_get_child (message, "html", NULL));

  /* Absent child: NULL; empty child: "". */
  g_assert_null (xmpp_node_get_child_text (message, "thread", NULL));
  g_assert_cmpstr (xmpp_node_get_child_text (message, "subject", NULL), ==, "");
  g_assert_cmpstr (xmpp_node_get_text (message), ==, "");

  g_assert_cmpuint (xmpp_node_get_n_children (message), ==, 4);
  g_assert_true (xmpp_node_get_child_at (message, 2) == delay);
  children = xmpp_node_get_children (message, &n);
  g_assert_cmpuint (n, ==, 4);
  g_assert_true (children[0] == body);
}

static void
test_node_append_and_remove_child_references (void)
{
  g_autoptr(XmppNode) parent = xmpp_node_new ("forwarded", "urn:xmpp:forward:0");
  g_autoptr(XmppNode) other = xmpp_node_new ("x", NULL);
  XmppNode *inner = xmpp_node_new ("message", NS_CLIENT);
  g_autofree char *xml = NULL;

  xmpp_node_append_child (parent, inner);
  xmpp_node_set_text (inner, "kept");
  xml = xmpp_node_to_string (parent);
  g_assert_cmpstr (xml, ==,
                   "<forwarded xmlns='urn:xmpp:forward:0'>"
                   "<message xmlns='jabber:client'>kept</message></forwarded>");

  g_assert_false (xmpp_node_remove_child (parent, other));
  g_assert_true (xmpp_node_remove_child (parent, inner));
  g_assert_cmpuint (xmpp_node_get_n_children (parent), ==, 0);
  /* The caller's reference survived both the append and the removal. */
  g_assert_cmpstr (xmpp_node_get_text (inner), ==, "kept");
  xmpp_node_unref (inner);
}

static void
test_node_text_append_and_clear (void)
{
  g_autoptr(XmppNode) node = xmpp_node_new ("body", NS_CLIENT);

  xmpp_node_append_text (node, "abc", 2);
  xmpp_node_append_text (node, "-é", -1);
  xmpp_node_append_text (node, NULL, 0);
  g_assert_cmpstr (xmpp_node_get_text (node), ==, "ab-é");
  xmpp_node_set_text (node, "");
  g_assert_cmpstr (xmpp_node_get_text (node), ==, "");
  xmpp_node_set_text (node, "x");
  xmpp_node_set_text (node, NULL);
  g_assert_cmpstr (xmpp_node_get_text (node), ==, "");
}

#define DEEP 100000

static XmppNode *
build_chain (guint depth)
{
  XmppNode *root = xmpp_node_new ("a", "urn:deep");
  XmppNode *tip = root;

  for (guint i = 1; i < depth; i++)
    tip = xmpp_node_add_child (tip, "a", NULL);
  xmpp_node_set_text (tip, "bottom");
  return root;
}

static void *
deep_tree_work (void *data)
{
  XmppNode **trees = data;
  g_autoptr(GString) out = g_string_new ("");

  g_assert_true (xmpp_node_equal (trees[0], trees[1]));
  xmpp_node_set_text (xmpp_node_get_child_at (trees[1], 0), "different");
  g_assert_false (xmpp_node_equal (trees[0], trees[1]));

  xmpp_node_write (trees[0], out, NULL);
  g_assert_cmpuint (out->len, ==,
                    strlen ("<a xmlns='urn:deep'>") + (DEEP - 1) * strlen ("<a>") +
                    strlen ("bottom") + DEEP * strlen ("</a>"));
  g_assert_true (strstr (out->str, "<a>bottom</a></a>") ==
                 out->str + out->len - DEEP * strlen ("</a>") - strlen ("<a>bottom"));

  xmpp_node_unref (trees[0]);
  xmpp_node_unref (trees[1]);
  return NULL;
}

/* 100,000 levels on a 512 KiB stack: freeing, serialising or comparing
 * with a stack frame per level could not fit (SECURITY.md row 23).
 */
static void
test_node_deep_tree_without_recursion (void)
{
  XmppNode *trees[2] = { build_chain (DEEP), build_chain (DEEP) };
  pthread_attr_t attr;
  pthread_t thread;

  g_assert_cmpint (pthread_attr_init (&attr), ==, 0);
  g_assert_cmpint (pthread_attr_setstacksize (&attr, 512 * 1024), ==, 0);
  g_assert_cmpint (pthread_create (&thread, &attr, deep_tree_work, trees), ==, 0);
  g_assert_cmpint (pthread_join (thread, NULL), ==, 0);
  pthread_attr_destroy (&attr);
}

static void
test_node_equal_ignores_attribute_order (void)
{
  g_autoptr(XmppNode) a = xmpp_node_build ("presence", NS_CLIENT, "from", "a@b", "type", "probe",
                                           NULL);
  g_autoptr(XmppNode) b = xmpp_node_build ("presence", NS_CLIENT, "type", "probe", "from", "a@b",
                                           NULL);
  g_autoptr(XmppNode) c = xmpp_node_build ("presence", NS_CLIENT, "type", "probe", "from", "a@c",
                                           NULL);

  g_assert_true (xmpp_node_equal (a, b));
  g_assert_false (xmpp_node_equal (a, c));
  xmpp_node_add_child (a, "show", NULL);
  g_assert_false (xmpp_node_equal (a, b));
}

static void
test_node_boxed_type (void)
{
  XmppNode *node = xmpp_node_new ("r", "urn:xmpp:sm:3");
  XmppNode *copy;

  g_assert_true (G_TYPE_IS_BOXED (XMPP_TYPE_NODE));
  copy = g_boxed_copy (XMPP_TYPE_NODE, node);
  g_assert_true (copy == node);
  g_boxed_free (XMPP_TYPE_NODE, copy);
  g_assert_cmpstr (xmpp_node_get_name (node), ==, "r");
  xmpp_node_unref (node);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/natter/xmpp/node/names-are-interned", test_node_names_are_interned);
  g_test_add_func ("/natter/xmpp/node/attributes-set-get-remove",
                   test_node_attributes_set_get_remove);
  g_test_add_func ("/natter/xmpp/node/text-escaped-in-serialisation",
                   test_node_text_escaped_in_serialisation);
  g_test_add_func ("/natter/xmpp/node/attribute-escaped-in-serialisation",
                   test_node_attribute_escaped_in_serialisation);
  g_test_add_func ("/natter/xmpp/node/unrepresentable-characters-replaced",
                   test_node_unrepresentable_characters_replaced);
  g_test_add_func ("/natter/xmpp/node/namespace-written-once", test_node_namespace_written_once);
  g_test_add_func ("/natter/xmpp/node/no-namespace-child-is-undeclared",
                   test_node_no_namespace_child_is_undeclared);
  g_test_add_func ("/natter/xmpp/node/xml-namespace-keeps-its-prefix",
                   test_node_xml_namespace_keeps_its_prefix);
  g_test_add_func ("/natter/xmpp/node/builder-skips-null-values",
                   test_node_builder_skips_null_values);
  g_test_add_func ("/natter/xmpp/node/child-lookups", test_node_child_lookups);
  g_test_add_func ("/natter/xmpp/node/append-and-remove-child-references",
                   test_node_append_and_remove_child_references);
  g_test_add_func ("/natter/xmpp/node/text-append-and-clear", test_node_text_append_and_clear);
  g_test_add_func ("/natter/xmpp/node/deep-tree-without-recursion",
                   test_node_deep_tree_without_recursion);
  g_test_add_func ("/natter/xmpp/node/equal-ignores-attribute-order",
                   test_node_equal_ignores_attribute_order);
  g_test_add_func ("/natter/xmpp/node/boxed-type", test_node_boxed_type);

  return g_test_run ();
}
