/* xmpp-node.c: a small XML element tree; stanzas are XmppNodes
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "xmpp-node.h"

#include <stdarg.h>
#include <string.h>

#include "xmpp-node-private.h"

/**
 * XmppNode:
 *
 * One XML element: a name and a namespace, attributes keyed by their
 * qualified name as written (`"to"`, `"xml:lang"`), the element's
 * character data and its child elements.
 *
 * Names and namespaces are interned with g_intern_string(), so a
 * dispatcher can hash on the pointers: the strings a program interns
 * itself (handler keys, anything passed to xmpp_node_new()) are always
 * the ones nodes from the reader carry.  Only the names a peer makes up
 * beyond a process-wide budget stay private copies (GLib never frees an
 * interned string), and those still compare equal by value everywhere
 * in this API.
 *
 * Text is accumulated per element: `<a>x<b/>y</a>` has the text `"xy"`.
 * Whitespace-only text of an element that has children is dropped by the
 * reader.  The serialiser writes text before the children.
 *
 * Nodes are reference counted (atomically) and freed without recursion, so
 * a tree of any depth can be dropped safely.  A stanza from the reader is
 * allocated in one block, freed when its last node is: keeping a
 * reference to a child keeps the memory of the whole stanza.
 */

G_DEFINE_BOXED_TYPE (XmppNode, xmpp_node, xmpp_node_ref, xmpp_node_unref)

enum {
  ESC_TEXT = 1 << 0,  /* must be escaped in character data */
  ESC_ATTR = 1 << 1,  /* must be escaped in an attribute value */
  ESC_CTRL = 1 << 2,  /* not an XML 1.0 character at all */
  ESC_HIGH = 1 << 3,  /* starts a multi-byte sequence to check */
};

static const guint8 escape_class[256] = {
  [0x00 ... 0x08] = ESC_CTRL,
  ['\t'] = ESC_ATTR,
  ['\n'] = ESC_ATTR,
  [0x0b ... 0x0c] = ESC_CTRL,
  ['\r'] = ESC_TEXT | ESC_ATTR,
  [0x0e ... 0x1f] = ESC_CTRL,
  ['"'] = ESC_ATTR,
  ['&'] = ESC_TEXT | ESC_ATTR,
  ['\''] = ESC_ATTR,
  ['<'] = ESC_TEXT | ESC_ATTR,
  ['>'] = ESC_TEXT | ESC_ATTR,
  [0x80 ... 0xff] = ESC_HIGH,
};

#define REPLACEMENT_CHARACTER "\xef\xbf\xbd"

/* Chunks of a stanza's arena; the first carries the count of live nodes
 * (plus one while the reader still builds).  Counting up happens while
 * only the reader can see the arena; counting down is atomic, as nodes may
 * die in any thread.
 */
struct _XmppNodeArena
{
  int            ref_count;
  gsize          used;
  gsize          size;
  XmppNodeArena *current;   /* the chunk being filled */
  XmppNodeArena *next;      /* the next chunk */
  /* data follows, 16-aligned */
};

#define ARENA_HEADER ((sizeof (XmppNodeArena) + 15) & ~(gsize) 15)
#define ARENA_FIRST_CHUNK 2048
#define ARENA_MAX_CHUNK (64 * 1024)

static XmppNodeArena *
arena_chunk_new (gsize size)
{
  XmppNodeArena *chunk = g_malloc (ARENA_HEADER + size);

  chunk->ref_count = 0;
  chunk->used = 0;
  chunk->size = size;
  chunk->current = chunk;
  chunk->next = NULL;
  return chunk;
}

XmppNodeArena *
xmpp_node_arena_new (void)
{
  XmppNodeArena *arena = arena_chunk_new (ARENA_FIRST_CHUNK);

  arena->ref_count = 1;
  return arena;
}

static gpointer
arena_alloc (XmppNodeArena *arena,
             gsize          size)
{
  XmppNodeArena *chunk = arena->current;
  gpointer mem;

  size = (size + 7) & ~(gsize) 7;
  if (G_UNLIKELY (chunk->size - chunk->used < size))
    {
      XmppNodeArena *grown = arena_chunk_new (MAX (size, MIN (chunk->size * 2, ARENA_MAX_CHUNK)));

      chunk->next = grown;
      arena->current = grown;
      chunk = grown;
    }
  mem = (char *) chunk + ARENA_HEADER + chunk->used;
  chunk->used += size;
  return mem;
}

static void
arena_release (XmppNodeArena *arena,
               int            count)
{
  if (g_atomic_int_add (&arena->ref_count, -count) != count)
    return;
  while (arena != NULL)
    {
      XmppNodeArena *next = arena->next;

      g_free (arena);
      arena = next;
    }
}

/* The reader drops its own reference once the stanza is built. */
void
xmpp_node_arena_release (XmppNodeArena *arena)
{
  arena_release (arena, 1);
}

static void
node_init (XmppNode *node)
{
  node->ref_count = 1;
  node->flags = 0;
  node->name = NULL;
  node->xmlns = NULL;
  node->attrs = NULL;
  node->n_attrs = 0;
  node->attrs_alloc = 0;
  node->children = NULL;
  node->n_children = 0;
  node->children_alloc = 0;
  node->text = NULL;
  node->text_len = 0;
  node->arena = NULL;
  node->free_next = NULL;
}

static XmppNode *
node_alloc (const char *interned_name,
            const char *interned_xmlns,
            gsize       size)
{
  XmppNode *node = g_malloc (size);

  node_init (node);
  node->name = interned_name;
  node->xmlns = interned_xmlns;

  return node;
}

static const char *
intern_xmlns (const char *xmlns)
{
  if (xmlns == NULL || xmlns[0] == '\0')
    return NULL;
  return g_intern_string (xmlns);
}

/**
 * xmpp_node_new:
 * @name: the element's local name
 * @xmlns: (nullable): its namespace; %NULL or `""` for none
 *
 * Creates an element without attributes, text or children.
 *
 * Returns: (transfer full): a new node
 */
XmppNode *
xmpp_node_new (const char *name,
               const char *xmlns)
{
  g_return_val_if_fail (name != NULL && name[0] != '\0', NULL);

  return node_alloc (g_intern_string (name), intern_xmlns (xmlns), sizeof (XmppNode));
}

/* Used by the reader: a node in @arena with room for @n_attrs attributes
 * and @blob_size more bytes (values, names that are not interned) right
 * after the attribute array.  The caller sets the name and namespace and
 * fills attrs[i], counting n_attrs up to @n_attrs.
 */
XmppNode *
xmpp_node_new_packed (XmppNodeArena *arena,
                      guint          n_attrs,
                      gsize          blob_size)
{
  XmppNode *node = arena_alloc (arena, sizeof (XmppNode) + n_attrs * sizeof (XmppNodeAttr) +
                                       blob_size);

  node_init (node);
  node->arena = arena;
  arena->ref_count++;
  if (n_attrs > 0)
    {
      node->flags |= XMPP_NODE_ATTRS_PACKED;
      node->attrs = (XmppNodeAttr *) (node + 1);
      node->attrs_alloc = n_attrs;
    }

  return node;
}

/* Copies @text into the node's arena as its whole text. */
void
xmpp_node_set_arena_text (XmppNode   *node,
                          const char *text,
                          gsize       length)
{
  g_assert (node->arena != NULL && node->text == NULL);

  node->text = arena_alloc (node->arena, length + 1);
  memcpy (node->text, text, length);
  node->text[length] = '\0';
  node->text_len = length;
  node->flags |= XMPP_NODE_TEXT_IN_ARENA;
}

/* Gives the node its children (taking over their references), with the
 * array in its arena.
 */
void
xmpp_node_set_arena_children (XmppNode  *node,
                              XmppNode **children,
                              guint      n_children)
{
  g_assert (node->arena != NULL && node->children == NULL);

  node->children = arena_alloc (node->arena, n_children * sizeof (XmppNode *));
  memcpy (node->children, children, n_children * sizeof (XmppNode *));
  node->n_children = n_children;
  node->children_alloc = n_children;
  node->flags |= XMPP_NODE_CHILDREN_IN_ARENA;
}

static void
node_set_attributes_va (XmppNode   *node,
                        const char *first_attribute,
                        va_list     args)
{
  const char *name = first_attribute;

  while (name != NULL)
    {
      const char *value = va_arg (args, const char *);

      if (value != NULL)
        xmpp_node_set_attribute (node, name, value);
      name = va_arg (args, const char *);
    }
}

/**
 * xmpp_node_build:
 * @name: the element's local name
 * @xmlns: (nullable): its namespace
 * @first_attribute: (nullable): name of the first attribute
 * @...: its value, then more name/value pairs, ending with %NULL
 *
 * Creates an element with attributes in one call:
 *
 * ```c
 * g_autoptr(XmppNode) message =
 *   xmpp_node_build ("message", "jabber:client",
 *                    "to", to, "type", "chat", "id", id, NULL);
 * ```
 *
 * A pair whose value is %NULL is skipped, which keeps optional attributes
 * short to write.
 *
 * Returns: (transfer full): a new node
 */
XmppNode *
xmpp_node_build (const char *name,
                 const char *xmlns,
                 const char *first_attribute,
                 ...)
{
  XmppNode *node;
  va_list args;

  g_return_val_if_fail (name != NULL && name[0] != '\0', NULL);

  node = xmpp_node_new (name, xmlns);
  va_start (args, first_attribute);
  node_set_attributes_va (node, first_attribute, args);
  va_end (args);

  return node;
}

/**
 * xmpp_node_ref:
 * @node: a node
 *
 * Returns: (transfer full): @node, with one more reference
 */
XmppNode *
xmpp_node_ref (XmppNode *node)
{
  g_return_val_if_fail (node != NULL, NULL);

  g_atomic_int_inc (&node->ref_count);
  return node;
}

/* Returns TRUE when that was the last reference.  Holding the only
 * reference, nobody else can take one, so a plain load avoids the atomic
 * read-modify-write for the usual case of a tree freed whole.
 */
static inline gboolean
drop_reference (XmppNode *node)
{
  return g_atomic_int_get (&node->ref_count) == 1 || g_atomic_int_dec_and_test (&node->ref_count);
}

static void
node_free_attributes (XmppNode *node)
{
  if (node->flags & XMPP_NODE_ATTRS_PACKED)
    return;
  for (guint i = 0; i < node->n_attrs; i++)
    g_free (node->attrs[i].value);
  g_free (node->attrs);
}

/**
 * xmpp_node_unref:
 * @node: (transfer full): a node
 *
 * Drops a reference; the last one frees the node and releases its
 * children.  Freeing walks the tree with a list threaded through the dead
 * nodes, not with recursion, so a tree 100,000 levels deep costs no stack.
 */
void
xmpp_node_unref (XmppNode *node)
{
  XmppNodeArena *batch_arena = NULL;
  int batch = 0;
  XmppNode *pending;

  g_return_if_fail (node != NULL);

  if (!drop_reference (node))
    return;

  node->free_next = NULL;
  pending = node;
  while (pending != NULL)
    {
      XmppNode *dead = pending;

      pending = dead->free_next;
      for (guint i = 0; i < dead->n_children; i++)
        {
          XmppNode *child = dead->children[i];

          if (drop_reference (child))
            {
              child->free_next = pending;
              pending = child;
            }
        }
      if (!(dead->flags & XMPP_NODE_CHILDREN_IN_ARENA))
        g_free (dead->children);
      if (!(dead->flags & XMPP_NODE_TEXT_IN_ARENA))
        g_free (dead->text);
      node_free_attributes (dead);

      /* A tree usually comes from one arena: count its dead nodes and
       * release them in one go.  Nodes still on the pending list keep
       * their arena's count above zero.
       */
      if (dead->arena == NULL)
        g_free (dead);
      else if (dead->arena == batch_arena)
        batch++;
      else
        {
          if (batch_arena != NULL)
            arena_release (batch_arena, batch);
          batch_arena = dead->arena;
          batch = 1;
        }
    }
  if (batch_arena != NULL)
    arena_release (batch_arena, batch);
}

/**
 * xmpp_node_get_name:
 * @node: a node
 *
 * Returns: the element's local name, interned (see #XmppNode)
 */
const char *
xmpp_node_get_name (XmppNode *node)
{
  g_return_val_if_fail (node != NULL, NULL);

  return node->name;
}

/**
 * xmpp_node_get_xmlns:
 * @node: a node
 *
 * Returns: (nullable): the element's namespace, interned (see #XmppNode);
 *   %NULL for none
 */
const char *
xmpp_node_get_xmlns (XmppNode *node)
{
  g_return_val_if_fail (node != NULL, NULL);

  return node->xmlns;
}

/* Interned strings compare by pointer; anything else falls back to strcmp,
 * which for the short names of XMPP is cheaper than interning the query.
 */
static inline gboolean
str_equal (const char *interned,
           const char *other)
{
  if (interned == other)
    return TRUE;
  if (interned == NULL || other == NULL)
    return FALSE;
  return strcmp (interned, other) == 0;
}

static inline gboolean
node_matches (XmppNode   *node,
              const char *name,
              const char *xmlns)
{
  if (name != NULL && !str_equal (node->name, name))
    return FALSE;
  if (xmlns != NULL && !str_equal (node->xmlns, xmlns[0] == '\0' ? NULL : xmlns))
    return FALSE;
  return TRUE;
}

/**
 * xmpp_node_is:
 * @node: a node
 * @name: (nullable): a local name, or %NULL for any
 * @xmlns: (nullable): a namespace, `""` for none, or %NULL for any
 *
 * Returns: whether @node is the element {@xmlns}@name
 */
gboolean
xmpp_node_is (XmppNode   *node,
              const char *name,
              const char *xmlns)
{
  g_return_val_if_fail (node != NULL, FALSE);

  return node_matches (node, name, xmlns);
}

static XmppNodeAttr *
node_find_attribute (XmppNode   *node,
                     const char *name)
{
  for (guint i = 0; i < node->n_attrs; i++)
    {
      if (str_equal (node->attrs[i].name, name))
        return &node->attrs[i];
    }
  return NULL;
}

/**
 * xmpp_node_get_attribute:
 * @node: a node
 * @name: the attribute's qualified name as written, e.g. `"xml:lang"`
 *
 * Returns: (nullable): the attribute's value, unescaped, or %NULL
 */
const char *
xmpp_node_get_attribute (XmppNode   *node,
                         const char *name)
{
  XmppNodeAttr *attr;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  attr = node_find_attribute (node, name);
  return attr != NULL ? attr->value : NULL;
}

/* The first change to a packed node moves its attributes to the heap. */
static void
node_unpack_attributes (XmppNode *node,
                        guint     extra)
{
  XmppNodeAttr *attrs;
  guint alloc = node->n_attrs + MAX (extra, 4);

  attrs = g_new (XmppNodeAttr, alloc);
  for (guint i = 0; i < node->n_attrs; i++)
    {
      attrs[i].name = node->attrs[i].name;
      attrs[i].value = g_strdup (node->attrs[i].value);
    }
  node->attrs = attrs;
  node->attrs_alloc = alloc;
  node->flags &= ~XMPP_NODE_ATTRS_PACKED;
}

/**
 * xmpp_node_set_attribute:
 * @node: a node
 * @name: the attribute's qualified name, e.g. `"type"` or `"xml:lang"`
 * @value: (nullable): the unescaped value, or %NULL to remove the attribute
 *
 * Sets or removes an attribute.  Namespace declarations are not
 * attributes: `"xmlns"` is refused (the namespace is the node's own);
 * `"xmlns:prefix"` may be set for the rare prefixed attribute.
 */
void
xmpp_node_set_attribute (XmppNode   *node,
                         const char *name,
                         const char *value)
{
  XmppNodeAttr *attr;

  g_return_if_fail (node != NULL);
  g_return_if_fail (name != NULL && name[0] != '\0');
  g_return_if_fail (strcmp (name, "xmlns") != 0);

  attr = node_find_attribute (node, name);
  if (node->flags & XMPP_NODE_ATTRS_PACKED && (attr != NULL || value != NULL))
    {
      gsize index = attr != NULL ? (gsize) (attr - node->attrs) : 0;

      node_unpack_attributes (node, 4);
      if (attr != NULL)
        attr = &node->attrs[index];
    }

  if (value == NULL)
    {
      if (attr != NULL)
        {
          guint index = attr - node->attrs;

          g_free (attr->value);
          memmove (attr, attr + 1, (node->n_attrs - index - 1) * sizeof (XmppNodeAttr));
          node->n_attrs--;
        }
      return;
    }

  if (attr != NULL)
    {
      char *copy = g_strdup (value);

      g_free (attr->value);
      attr->value = copy;
      return;
    }

  if (node->n_attrs == node->attrs_alloc)
    {
      node->attrs_alloc = MAX (4, node->attrs_alloc * 2);
      node->attrs = g_renew (XmppNodeAttr, node->attrs, node->attrs_alloc);
    }
  node->attrs[node->n_attrs].name = g_intern_string (name);
  node->attrs[node->n_attrs].value = g_strdup (value);
  node->n_attrs++;
}

/**
 * xmpp_node_set_attributes:
 * @node: a node
 * @first_attribute: name of the first attribute
 * @...: its value, then more name/value pairs, ending with %NULL
 *
 * Sets several attributes; a pair whose value is %NULL is skipped.
 */
void
xmpp_node_set_attributes (XmppNode   *node,
                          const char *first_attribute,
                          ...)
{
  va_list args;

  g_return_if_fail (node != NULL);

  va_start (args, first_attribute);
  node_set_attributes_va (node, first_attribute, args);
  va_end (args);
}

/**
 * xmpp_node_get_attribute_count:
 * @node: a node
 *
 * Returns: how many attributes @node has
 */
guint
xmpp_node_get_attribute_count (XmppNode *node)
{
  g_return_val_if_fail (node != NULL, 0);

  return node->n_attrs;
}

/**
 * xmpp_node_get_attribute_at:
 * @node: a node
 * @index: a position below xmpp_node_get_attribute_count()
 * @value: (out) (optional): the attribute's value
 *
 * Iterates over the attributes in document order.
 *
 * Returns: the attribute's qualified name, interned (see #XmppNode)
 */
const char *
xmpp_node_get_attribute_at (XmppNode    *node,
                            guint        index,
                            const char **value)
{
  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (index < node->n_attrs, NULL);

  if (value != NULL)
    *value = node->attrs[index].value;
  return node->attrs[index].name;
}

/**
 * xmpp_node_get_text:
 * @node: a node
 *
 * Returns: the element's character data, unescaped; `""` if it has none
 */
const char *
xmpp_node_get_text (XmppNode *node)
{
  g_return_val_if_fail (node != NULL, NULL);

  return node->text != NULL ? node->text : "";
}

/**
 * xmpp_node_set_text:
 * @node: a node
 * @text: (nullable): the new character data; %NULL or `""` clears it
 */
void
xmpp_node_set_text (XmppNode   *node,
                    const char *text)
{
  g_return_if_fail (node != NULL);

  if (node->flags & XMPP_NODE_TEXT_IN_ARENA)
    node->text = NULL;
  node->flags &= ~XMPP_NODE_TEXT_IN_ARENA;
  g_clear_pointer (&node->text, g_free);
  node->text_len = 0;
  if (text != NULL && text[0] != '\0')
    {
      node->text_len = strlen (text);
      node->text = g_strndup (text, node->text_len);
    }
}

/**
 * xmpp_node_append_text:
 * @node: a node
 * @text: character data to add
 * @length: length of @text in bytes, or -1 if it is nul-terminated
 */
void
xmpp_node_append_text (XmppNode   *node,
                       const char *text,
                       gssize      length)
{
  gsize len;

  g_return_if_fail (node != NULL);
  g_return_if_fail (text != NULL || length == 0);

  len = length < 0 ? strlen (text) : (gsize) length;
  if (len == 0)
    return;
  if (node->flags & XMPP_NODE_TEXT_IN_ARENA)
    {
      node->text = g_memdup2 (node->text, node->text_len + 1);
      node->flags &= ~XMPP_NODE_TEXT_IN_ARENA;
    }
  node->text = g_realloc (node->text, node->text_len + len + 1);
  memcpy (node->text + node->text_len, text, len);
  node->text_len += len;
  node->text[node->text_len] = '\0';
}

/* Appends @child, taking over the caller's reference. */
static void
node_take_child (XmppNode *node,
                 XmppNode *child)
{
  if (node->n_children == node->children_alloc)
    {
      XmppNode **old = node->children;

      node->children_alloc = MAX (4, node->children_alloc * 2);
      if (node->flags & XMPP_NODE_CHILDREN_IN_ARENA)
        {
          node->children = g_new (XmppNode *, node->children_alloc);
          memcpy (node->children, old, node->n_children * sizeof (XmppNode *));
          node->flags &= ~XMPP_NODE_CHILDREN_IN_ARENA;
        }
      else
        node->children = g_renew (XmppNode *, node->children, node->children_alloc);
    }
  node->children[node->n_children++] = child;
}

/**
 * xmpp_node_append_child:
 * @node: a node
 * @child: (transfer none): the element to add as the last child
 *
 * Adds @child; @node takes a reference of its own, so the caller keeps
 * theirs.
 */
void
xmpp_node_append_child (XmppNode *node,
                        XmppNode *child)
{
  g_return_if_fail (node != NULL);
  g_return_if_fail (child != NULL);
  g_return_if_fail (child != node);

  node_take_child (node, xmpp_node_ref (child));
}

/**
 * xmpp_node_add_child:
 * @node: a node
 * @name: the new element's local name
 * @xmlns: (nullable): its namespace; %NULL for @node's, `""` for none
 *
 * Creates an element and appends it to @node.
 *
 * Returns: (transfer none): the new child, owned by @node
 */
XmppNode *
xmpp_node_add_child (XmppNode   *node,
                     const char *name,
                     const char *xmlns)
{
  XmppNode *child;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (name != NULL && name[0] != '\0', NULL);

  child = node_alloc (g_intern_string (name),
                      xmlns == NULL ? node->xmlns : intern_xmlns (xmlns),
                      sizeof (XmppNode));
  node_take_child (node, child);

  return child;
}

/**
 * xmpp_node_add_child_with_attributes:
 * @node: a node
 * @name: the new element's local name
 * @xmlns: (nullable): its namespace; %NULL for @node's, `""` for none
 * @first_attribute: (nullable): name of the first attribute
 * @...: its value, then more name/value pairs, ending with %NULL
 *
 * Like xmpp_node_add_child(), with attributes as in xmpp_node_build().
 *
 * Returns: (transfer none): the new child, owned by @node
 */
XmppNode *
xmpp_node_add_child_with_attributes (XmppNode   *node,
                                     const char *name,
                                     const char *xmlns,
                                     const char *first_attribute,
                                     ...)
{
  XmppNode *child;
  va_list args;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (name != NULL && name[0] != '\0', NULL);

  child = xmpp_node_add_child (node, name, xmlns);
  va_start (args, first_attribute);
  node_set_attributes_va (child, first_attribute, args);
  va_end (args);

  return child;
}

/**
 * xmpp_node_add_text_child:
 * @node: a node
 * @name: the new element's local name
 * @xmlns: (nullable): its namespace; %NULL for @node's, `""` for none
 * @text: (nullable): its character data
 *
 * Appends an element holding text, such as `<body>`.
 *
 * Returns: (transfer none): the new child, owned by @node
 */
XmppNode *
xmpp_node_add_text_child (XmppNode   *node,
                          const char *name,
                          const char *xmlns,
                          const char *text)
{
  XmppNode *child;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (name != NULL && name[0] != '\0', NULL);

  child = xmpp_node_add_child (node, name, xmlns);
  xmpp_node_set_text (child, text);

  return child;
}

/**
 * xmpp_node_remove_child:
 * @node: a node
 * @child: one of its children
 *
 * Removes @child from @node and drops @node's reference to it.
 *
 * Returns: %TRUE if @child was a child of @node
 */
gboolean
xmpp_node_remove_child (XmppNode *node,
                        XmppNode *child)
{
  g_return_val_if_fail (node != NULL, FALSE);
  g_return_val_if_fail (child != NULL, FALSE);

  for (guint i = 0; i < node->n_children; i++)
    {
      if (node->children[i] == child)
        {
          memmove (&node->children[i], &node->children[i + 1],
                   (node->n_children - i - 1) * sizeof (XmppNode *));
          node->n_children--;
          xmpp_node_unref (child);
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * xmpp_node_get_child:
 * @node: a node
 * @name: (nullable): the child's local name, or %NULL for any
 * @xmlns: (nullable): its namespace, `""` for none, or %NULL for any
 *
 * Finds the first child element that matches.  Interned strings (such as
 * another node's name) compare fastest.
 *
 * Returns: (transfer none) (nullable): the child, or %NULL
 */
XmppNode *
xmpp_node_get_child (XmppNode   *node,
                     const char *name,
                     const char *xmlns)
{
  g_return_val_if_fail (node != NULL, NULL);

  for (guint i = 0; i < node->n_children; i++)
    {
      if (node_matches (node->children[i], name, xmlns))
        return node->children[i];
    }
  return NULL;
}

/**
 * xmpp_node_get_child_text:
 * @node: a node
 * @name: (nullable): the child's local name, or %NULL for any
 * @xmlns: (nullable): its namespace, `""` for none, or %NULL for any
 *
 * Returns: (nullable): the text of the first matching child (`""` if it is
 *   empty), or %NULL if there is no such child
 */
const char *
xmpp_node_get_child_text (XmppNode   *node,
                          const char *name,
                          const char *xmlns)
{
  XmppNode *child;

  g_return_val_if_fail (node != NULL, NULL);

  child = xmpp_node_get_child (node, name, xmlns);
  return child != NULL ? xmpp_node_get_text (child) : NULL;
}

/**
 * xmpp_node_get_n_children:
 * @node: a node
 *
 * Returns: how many child elements @node has
 */
guint
xmpp_node_get_n_children (XmppNode *node)
{
  g_return_val_if_fail (node != NULL, 0);

  return node->n_children;
}

/**
 * xmpp_node_get_child_at:
 * @node: a node
 * @index: a position below xmpp_node_get_n_children()
 *
 * Returns: (transfer none): the child element at @index
 */
XmppNode *
xmpp_node_get_child_at (XmppNode *node,
                        guint     index)
{
  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (index < node->n_children, NULL);

  return node->children[index];
}

/**
 * xmpp_node_get_children:
 * @node: a node
 * @n_children: (out) (optional): where to store the number of children
 *
 * Returns: (transfer none) (array length=n_children) (nullable): the
 *   children, valid until @node changes; %NULL if there are none
 */
XmppNode **
xmpp_node_get_children (XmppNode *node,
                        guint    *n_children)
{
  g_return_val_if_fail (node != NULL, NULL);

  if (n_children != NULL)
    *n_children = node->n_children;
  return node->n_children > 0 ? node->children : NULL;
}

/* Returns the length of the valid UTF-8 sequence at @p if it encodes an
 * XML 1.0 character, else 0.
 */
static gsize
valid_char_length (const guchar *p,
                   const guchar *end)
{
  gunichar cp;
  gsize n;

  /* 0x80-0xc1 never start a sequence (continuations, overlong pairs). */
  if (p[0] < 0xc2 || p[0] > 0xf4)
    return 0;
  n = p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : 4;
  cp = p[0] & (0x7f >> n);

  if ((gsize) (end - p) < n)
    return 0;
  for (gsize i = 1; i < n; i++)
    {
      if ((p[i] & 0xc0) != 0x80)
        return 0;
      cp = (cp << 6) | (p[i] & 0x3f);
    }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
    return 0;
  if ((cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff)
    return 0;
  return n;
}

/* Escapes for character data (@mask ESC_TEXT) or a single-quoted attribute
 * value (ESC_ATTR).  Whatever XML 1.0 cannot carry (control characters,
 * broken UTF-8, U+FFFE) becomes U+FFFD, so the output is always
 * well-formed.  \r in text and \r \n \t in attributes are written as
 * character references because a parser normalises the literal ones.
 */
static void
append_escaped (GString    *out,
                const char *str,
                gsize       len,
                guint8      mask)
{
  const guchar *p = (const guchar *) str;
  const guchar *end = p + len;
  const guchar *run = p;

  mask |= ESC_CTRL | ESC_HIGH;
  while (p < end)
    {
      guint8 klass = escape_class[*p];
      const char *replacement;

      if (G_LIKELY ((klass & mask) == 0))
        {
          p++;
          continue;
        }

      if (klass & ESC_HIGH)
        {
          gsize n = valid_char_length (p, end);

          if (n > 0)
            {
              p += n;
              continue;
            }
          replacement = REPLACEMENT_CHARACTER;
        }
      else
        {
          switch (*p)
            {
            case '&': replacement = "&amp;"; break;
            case '<': replacement = "&lt;"; break;
            case '>': replacement = "&gt;"; break;
            case '\'': replacement = "&apos;"; break;
            case '"': replacement = "&quot;"; break;
            case '\r': replacement = "&#13;"; break;
            case '\n': replacement = "&#10;"; break;
            case '\t': replacement = "&#9;"; break;
            default: replacement = REPLACEMENT_CHARACTER; break;
            }
        }

      g_string_append_len (out, (const char *) run, p - run);
      g_string_append (out, replacement);
      p++;
      run = p;
    }
  g_string_append_len (out, (const char *) run, p - run);
}

/* The XML namespace cannot be a default namespace (Namespaces in XML
 * §3), so its elements are written with their fixed prefix instead.
 */
static inline gboolean
is_xml_namespace (const char *xmlns)
{
  return xmlns != NULL && xmlns[0] == 'h' && strcmp (xmlns, XMPP_NS_XML) == 0;
}

static void
write_name (XmppNode *node,
            GString  *out)
{
  if (G_UNLIKELY (is_xml_namespace (node->xmlns)))
    g_string_append (out, "xml:");
  g_string_append (out, node->name);
}

static void
write_end (XmppNode *node,
           GString  *out)
{
  g_string_append (out, "</");
  write_name (node, out);
  g_string_append_c (out, '>');
}

/* Writes the start tag and text; returns FALSE (and closes the element)
 * if there are no children.
 */
static gboolean
write_start (XmppNode   *node,
             GString    *out,
             const char *parent_xmlns)
{
  g_string_append_c (out, '<');
  write_name (node, out);

  if (!str_equal (node->xmlns, parent_xmlns) && !is_xml_namespace (node->xmlns))
    {
      g_string_append (out, " xmlns='");
      if (node->xmlns != NULL)
        append_escaped (out, node->xmlns, strlen (node->xmlns), ESC_ATTR);
      g_string_append_c (out, '\'');
    }

  for (guint i = 0; i < node->n_attrs; i++)
    {
      g_string_append_c (out, ' ');
      g_string_append (out, node->attrs[i].name);
      g_string_append (out, "='");
      append_escaped (out, node->attrs[i].value, strlen (node->attrs[i].value), ESC_ATTR);
      g_string_append_c (out, '\'');
    }

  if (node->text == NULL && node->n_children == 0)
    {
      g_string_append (out, "/>");
      return FALSE;
    }

  g_string_append_c (out, '>');
  if (node->text != NULL)
    append_escaped (out, node->text, node->text_len, ESC_TEXT);

  if (node->n_children == 0)
    {
      write_end (node, out);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  XmppNode *node;
  guint     next_child;
} WalkFrame;

/**
 * xmpp_node_write:
 * @node: a node
 * @out: where to append the XML
 * @parent_xmlns: (nullable): the namespace in scope where @node is written
 *
 * Serialises @node and its subtree.  An element's `xmlns` is written only
 * where it differs from its parent's, and on @node only if it differs from
 * @parent_xmlns: pass `"jabber:client"` to write a stanza into a client
 * stream without repeating the namespace.  Text and attribute values are
 * escaped; characters XML cannot carry become U+FFFD.
 */
void
xmpp_node_write (XmppNode   *node,
                 GString    *out,
                 const char *parent_xmlns)
{
  WalkFrame inline_stack[32];
  WalkFrame *stack = inline_stack;
  gsize stack_alloc = G_N_ELEMENTS (inline_stack);
  gsize depth = 0;

  g_return_if_fail (node != NULL);
  g_return_if_fail (out != NULL);

  if (parent_xmlns != NULL && parent_xmlns[0] == '\0')
    parent_xmlns = NULL;
  if (!write_start (node, out, parent_xmlns))
    return;

  stack[depth++] = (WalkFrame) { node, 0 };
  while (depth > 0)
    {
      WalkFrame *top = &stack[depth - 1];

      if (top->next_child < top->node->n_children)
        {
          XmppNode *child = top->node->children[top->next_child++];

          if (!write_start (child, out, top->node->xmlns))
            continue;

          if (depth == stack_alloc)
            {
              stack_alloc *= 2;
              if (stack == inline_stack)
                stack = g_memdup2 (inline_stack, sizeof inline_stack);
              stack = g_renew (WalkFrame, stack, stack_alloc);
            }
          stack[depth++] = (WalkFrame) { child, 0 };
        }
      else
        {
          write_end (top->node, out);
          depth--;
        }
    }

  if (stack != inline_stack)
    g_free (stack);
}

/**
 * xmpp_node_to_string:
 * @node: a node
 *
 * Serialises @node with its `xmlns` written out, see xmpp_node_write().
 *
 * Returns: (transfer full): the XML
 */
char *
xmpp_node_to_string (XmppNode *node)
{
  GString *out;

  g_return_val_if_fail (node != NULL, NULL);

  out = g_string_sized_new (256);
  xmpp_node_write (node, out, NULL);
  return g_string_free (out, FALSE);
}

static gboolean
node_shallow_equal (XmppNode *a,
                    XmppNode *b)
{
  if (!str_equal (a->name, b->name) || !str_equal (a->xmlns, b->xmlns))
    return FALSE;
  if (a->n_attrs != b->n_attrs || a->n_children != b->n_children)
    return FALSE;
  if (a->text_len != b->text_len ||
      (a->text_len > 0 && memcmp (a->text, b->text, a->text_len) != 0))
    return FALSE;

  /* Attribute order carries no meaning in XML. */
  for (guint i = 0; i < a->n_attrs; i++)
    {
      XmppNodeAttr *other = node_find_attribute (b, a->attrs[i].name);

      if (other == NULL || strcmp (other->value, a->attrs[i].value) != 0)
        return FALSE;
    }
  return TRUE;
}

/**
 * xmpp_node_equal:
 * @a: a node
 * @b: another node
 *
 * Compares two trees: names, namespaces, attributes (in any order), text
 * and children (in order).
 *
 * Returns: whether @a and @b are the same XML
 */
gboolean
xmpp_node_equal (XmppNode *a,
                 XmppNode *b)
{
  g_autoptr(GArray) stack = NULL;
  gboolean equal = TRUE;

  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  stack = g_array_new (FALSE, FALSE, sizeof (XmppNode *));
  g_array_append_val (stack, a);
  g_array_append_val (stack, b);
  while (equal && stack->len > 0)
    {
      XmppNode *x = g_array_index (stack, XmppNode *, stack->len - 2);
      XmppNode *y = g_array_index (stack, XmppNode *, stack->len - 1);

      g_array_set_size (stack, stack->len - 2);
      if (x == y)
        continue;
      equal = node_shallow_equal (x, y);
      for (guint i = 0; equal && i < x->n_children; i++)
        {
          g_array_append_val (stack, x->children[i]);
          g_array_append_val (stack, y->children[i]);
        }
    }
  return equal;
}
