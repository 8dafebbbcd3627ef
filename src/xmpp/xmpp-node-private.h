/* xmpp-node-private.h: the XmppNode layout, shared with the stream reader
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "xmpp-node.h"

G_BEGIN_DECLS

typedef struct
{
  const char *name;   /* the qualified name as written */
  char       *value;
} XmppNodeAttr;

/* The reader builds each stanza in an arena: one or a few chunks hold all
 * its nodes, texts and children arrays, and are freed when the last node
 * allocated from them is.  A node's attribute array and values sit right
 * after it in its block (ATTRS_PACKED), with any name the reader could not
 * intern; its text and children array may sit in the arena too.  The
 * first change to any of these moves that part to the heap.
 */
#define XMPP_NODE_ATTRS_PACKED      (1u << 0)
#define XMPP_NODE_TEXT_IN_ARENA     (1u << 1)
#define XMPP_NODE_CHILDREN_IN_ARENA (1u << 2)

typedef struct _XmppNodeArena XmppNodeArena;

struct _XmppNode
{
  int               ref_count;  /* atomic; the g_atomic_int macros inline */
  guint             flags;
  const char       *name;       /* interned, or in the node's allocation */
  const char       *xmlns;      /* likewise; NULL for no namespace */
  XmppNodeAttr     *attrs;
  guint             n_attrs;
  guint             attrs_alloc;
  XmppNode        **children;
  guint             n_children;
  guint             children_alloc;
  char             *text;       /* NULL when empty */
  gsize             text_len;
  XmppNodeArena    *arena;      /* NULL for a node of its own */
  XmppNode         *free_next;  /* only used while freeing a tree */
};

XmppNodeArena *xmpp_node_arena_new          (void);
void           xmpp_node_arena_release      (XmppNodeArena  *arena);

XmppNode      *xmpp_node_new_packed         (XmppNodeArena  *arena,
                                             guint           n_attrs,
                                             gsize           blob_size);
void           xmpp_node_set_arena_text     (XmppNode       *node,
                                             const char     *text,
                                             gsize           length);
void           xmpp_node_set_arena_children (XmppNode       *node,
                                             XmppNode      **children,
                                             guint           n_children);

G_END_DECLS
