package com.avnology.backup.postgres.internal.catalog;

import com.avnology.backup.postgres.internal.archive.TocEntry.Section;

/** pg_dump's dumpable object types with their sort priority (pg_dump_sort.c, 15). */
enum Kind {
  NAMESPACE(1, Section.PRE_DATA),
  PROCLANG(2, Section.PRE_DATA),
  TRANSFORM(4, Section.PRE_DATA),
  COLLATION(3, Section.PRE_DATA),
  EXTENSION(5, Section.PRE_DATA),
  SHELL_TYPE(6, Section.PRE_DATA),
  TYPE(6, Section.PRE_DATA),
  FUNC(8, Section.PRE_DATA),
  AGG(9, Section.PRE_DATA),
  CAST(7, Section.PRE_DATA),
  ACCESS_METHOD(10, Section.PRE_DATA),
  OPERATOR(11, Section.PRE_DATA),
  OPCLASS(12, Section.PRE_DATA),
  OPFAMILY(12, Section.PRE_DATA),
  CONVERSION(13, Section.PRE_DATA),
  TSPARSER(14, Section.PRE_DATA),
  TSTEMPLATE(15, Section.PRE_DATA),
  TSDICT(16, Section.PRE_DATA),
  TSCONFIG(17, Section.PRE_DATA),
  FDW(18, Section.PRE_DATA),
  FOREIGN_SERVER(19, Section.PRE_DATA),
  TABLE(20, Section.PRE_DATA),
  TABLE_ATTACH(21, Section.PRE_DATA),
  ATTRDEF(23, Section.PRE_DATA),
  BLOB(24, Section.PRE_DATA),
  PRE_DATA_BOUNDARY(25, Section.PRE_DATA),
  TABLE_DATA(26, Section.DATA),
  SEQUENCE_SET(27, Section.DATA),
  BLOB_DATA(28, Section.DATA),
  POST_DATA_BOUNDARY(29, Section.POST_DATA),
  CONSTRAINT(30, Section.POST_DATA),
  INDEX(31, Section.POST_DATA),
  INDEX_ATTACH(32, Section.POST_DATA),
  STATSEXT(33, Section.POST_DATA),
  RULE(34, Section.POST_DATA),
  TRIGGER(35, Section.POST_DATA),
  FK_CONSTRAINT(36, Section.POST_DATA),
  POLICY(37, Section.POST_DATA),
  PUBLICATION(38, Section.POST_DATA),
  PUBLICATION_REL(39, Section.POST_DATA),
  PUBLICATION_TABLE_IN_SCHEMA(40, Section.POST_DATA),
  SUBSCRIPTION(41, Section.POST_DATA),
  DEFAULT_ACL(42, Section.POST_DATA),
  EVENT_TRIGGER(43, Section.POST_DATA),
  REFRESH_MATVIEW(44, Section.POST_DATA);

  final int priority;
  final Section section;

  Kind(int priority, Section section) {
    this.priority = priority;
    this.section = section;
  }
}
