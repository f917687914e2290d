"""`python ingest.py ...`: the trainer's command line over assistant.ingest."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from assistant.config import ENV_VARS, get_settings


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python ingest.py", description="窗口助手知识库管理：添加、替换、删除、查看文档。")
    p.add_argument("--config", action="store_true", help="显示当前配置（环境变量与默认值）后退出")
    p.add_argument("--user", default=None, help="记录在登记表中的操作人（默认 ASSISTANT_USER 或系统用户名）")
    sub = p.add_subparsers(dest="command")
    add = sub.add_parser("add", help="添加文件或文件夹（PDF/DOCX/DOC/WPS/OFD/PPTX/图片/TXT/MD/HTML/CSV/XLSX）")
    add.add_argument("paths", nargs="+", type=Path)
    add.add_argument("--password", help="加密 PDF 的打开密码")
    sub.add_parser("list", help="列出知识库中的文档")
    rm = sub.add_parser("remove", help="删除文档（文档编号、文件名或标题）")
    rm.add_argument("doc")
    rp = sub.add_parser("replace", help="用新文件替换文档（原子替换：失败时旧版本保持可用）")
    rp.add_argument("doc")
    rp.add_argument("new_file", type=Path)
    rp.add_argument("--password", help="加密 PDF 的打开密码")
    sub.add_parser("status", help="知识库概况：文档数、段落数、版本号、存储位置")
    ok = sub.add_parser("confirm", help="确认启用待确认的文档（内容不像政策正文、或文字识别置信度低）")
    ok.add_argument("doc", help="文档编号、文件名或标题")
    meta = sub.add_parser("meta", help="查看或修改文档的适用地区和有效期（不写选项时只显示）")
    meta.add_argument("doc", help="文档编号、文件名或标题")
    meta.add_argument("--region", help="适用地区，如 甘肃省、江西省/南昌市；填“全国”表示全国适用")
    meta.add_argument("--level", help="级别：全国、省、市、区县（填 --region 时自动推断）")
    meta.add_argument("--effective-from", help="施行日期，如 2024-01-01")
    meta.add_argument("--valid-until", help="有效期至，如 2025-12-31；填空字符串表示取消")
    meta.add_argument("--status", help="current（现行有效）、expired（已过期）或 repealed（已废止）")
    meta.add_argument("--replaced-by", help="替代它的文件标题（同时标为已废止）")
    return p


def _progress_bar(total_hint: int | None = None):
    from tqdm import tqdm

    return tqdm(total=total_hint, unit="段", desc="嵌入", leave=False, mininterval=0.5, delay=1.0, file=sys.stderr)


def _page_progress():
    """Per-page OCR progress (seconds a page): one bar per file, shown as soon as OCR starts."""
    from tqdm import tqdm

    state: dict = {}

    def on_page(done: int, total: int) -> None:
        bar = state.get("bar")
        if bar is None or bar.total != total or done == 0:
            if bar is not None:
                bar.close()
            bar = state["bar"] = tqdm(total=total, unit="页", desc="文字识别", leave=False, file=sys.stderr)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()
            state.pop("bar", None)

    return on_page


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = get_settings()
    if args.config:
        names = {attr: env for env, (attr, _) in ENV_VARS.items()}
        for key, value in settings.describe().items():
            print(f"{key:20} = {value:50}  ({names.get(key, '-')})")
        return 0
    if not args.command:
        _parser().print_help()
        return 2
    from assistant.ingest import add_paths, remove_document, replace_document
    from assistant.store.kb import KnowledgeBase
    from assistant.store.lock import StoreLocked
    from assistant.store.registry import WriteConflict

    user = args.user or settings.user
    kb = KnowledgeBase(settings)
    try:
        if args.command == "add":
            return _add(kb, args, user, add_paths)
        if args.command == "list":
            return _list(kb)
        if args.command == "remove":
            row = remove_document(kb, args.doc, user=user)
            print(f"已删除《{row.title}》（{row.source}，{row.chunk_count} 段）。")
            return 0
        if args.command == "replace":
            bar = _progress_bar()
            out = replace_document(kb, args.doc, args.new_file, user=user, password=args.password, progress=bar.update,
                                   on_page=_page_progress())
            bar.close()
            print(f"{_label(out.outcome)}《{out.title}》{out.chunks} 段。{out.message}")
            return 1 if out.outcome == "failed" else 0
        if args.command == "status":
            return _status(kb)
        if args.command == "confirm":
            from assistant.ingest import confirm_document

            row = confirm_document(kb, args.doc, user=user)
            print(f"已确认启用《{row.title}》（{row.source}，{row.chunk_count} 段），从现在起可被检索引用。")
            return 0
        if args.command == "meta":
            return _meta(kb, args, user)
    except (StoreLocked, WriteConflict) as err:
        print(str(err), file=sys.stderr)
        return 3
    except LookupError as err:
        print(err.args[0], file=sys.stderr)
        return 4
    return 2


def _label(outcome: str) -> str:
    return {"added": "已添加", "replaced": "已替换", "unchanged": "未变", "failed": "失败"}.get(outcome, outcome)


def _add(kb, args, user, add_paths) -> int:
    from assistant.ingest import expand_paths
    from tqdm import tqdm

    files, _ = expand_paths(args.paths)
    files_bar = tqdm(total=len(files), unit="个文件", desc="文件", file=sys.stderr, disable=len(files) < 2, delay=1.0)
    chunk_bar = _progress_bar()

    started = []

    def on_file(path: Path) -> None:
        if started:
            files_bar.update(1)  # the previous file is done
        started.append(path)
        files_bar.set_postfix_str(path.name[:30])

    summary = add_paths(kb, args.paths, user=user, password=args.password, on_file=on_file,
                        progress=chunk_bar.update, on_page=_page_progress())
    files_bar.update(len(files) - files_bar.n)
    chunk_bar.close()
    files_bar.close()
    for o in summary.outcomes:
        if o.outcome == "failed":
            print(f"  失败  {Path(o.path).name}: {o.message}")
        elif o.outcome == "unchanged":
            if o.message.startswith("与"):
                print(f"  跳过  {Path(o.path).name}: {o.message}")
        else:
            extra = f"（提示：{o.message}）" if o.message else ""
            print(f"  {_label(o.outcome)}  {Path(o.path).name}: 《{o.title}》 {o.chunks} 段{extra}")
    print(summary.line())
    return 1 if summary.failed else 0


def _list(kb) -> int:
    rows = kb.documents()
    if not rows:
        print("知识库是空的：用 `python ingest.py add 文件或文件夹` 添加文档。")
        return 0
    print(f"{'编号':16}  {'状态':10} {'段数':>5}  {'更新时间':16}  {'操作人':8}  标题（文件）")
    for r in rows:
        when = (r.replaced_at or r.added_at).strftime("%Y-%m-%d %H:%M")
        print(f"{r.id:16}  {r.status:10} {r.chunk_count:>5}  {when:16}  {r.added_by[:8]:8}  《{r.title}》（{r.source}）")
        if r.ocr_confidence:
            print(f"{'':18}经 OCR 识别，请抽查（第 {r.ocr_pages} 页，识别置信度 {r.ocr_confidence}）")
        if r.status == "review":
            print(f"{'':18}待确认，暂不引用：{r.error}  确认后执行 `python ingest.py confirm {r.id}`")
        elif r.error:
            print(f"{'':18}{r.error}")
    return 0


def _meta(kb, args, user: str) -> int:
    """Show or correct where and until when a document applies; the change is written under the write lock."""
    from assistant.documents.jurisdiction import VALIDITY_LABELS
    from assistant.ingest import require_document
    from assistant.store.meta import MetaError, edited_meta

    row = require_document(kb, args.doc)
    try:
        meta, changed = edited_meta(row.meta, region=args.region, level=args.level, effective_from=args.effective_from,
                                    valid_until=args.valid_until, validity=args.status, replaced_by=args.replaced_by)
    except MetaError as err:
        print(err.args[0], file=sys.stderr)
        return 2
    if changed:
        with kb.writing():
            row = kb.set_document_meta(row.id, meta, changed, user)
    m = row.meta
    print(f"《{row.title}》（{row.id}）{'已更新：' + '、'.join(changed) if changed else ''}")
    print(f"  适用地区: {m.region or ('全国' if m.level == '全国' else '未标注')}    级别: {m.level or '未标注'}")
    print(f"  施行日期: {m.effective_from or '未标注'}    有效期至: {m.valid_until or '未标注'}    "
          f"状态: {VALIDITY_LABELS.get(m.validity, m.validity)}" + (f"（被《{m.replaced_by}》替代）" if m.replaced_by else ""))
    if row.meta_edited:
        print(f"  人工修改过: {row.meta_edited}（替换文件时保留）")
    return 0


def _status(kb) -> int:
    rows = kb.documents()
    ready = [r for r in rows if r.status == "ready"]
    s = kb.settings
    print(f"文档 {len(rows)} 个（可用 {len(ready)} 个，未就绪 {len(rows) - len(ready)} 个），"
          f"段落 {sum(r.chunk_count for r in ready)} 个，知识库版本 {kb.version()}")
    print(f"向量库: {'服务器 ' + s.chroma_host + ':' + str(s.chroma_port) if s.chroma_host else s.chroma_dir}")
    print(f"登记表: {s.db_url}")
    print(f"嵌入模型: {s.embedding_model}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
