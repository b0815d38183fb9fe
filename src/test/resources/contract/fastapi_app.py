# A stand-in for Jetty's two multipart endpoints, parsed by the real FastAPI + Starlette + python-multipart,
# for MultipartContractTest (jetty-api.md §7 E1). It answers with what it received: every top-level part,
# and each file's name, size and SHA-256.
#
# Where the signatures come from (Jetty's own server code is not public):
# - jettyio/jetty-sdk packages/sdk/src/client.ts, buildRunForm()/runWithFiles(): the run form always has
#   init_params (a JSON string), optionally use_trial_keys, secret_params, subscription_credential,
#   webhook_url, webhook_secret (strings), and each file appended as its own "files" part.
# - jetty-api.md §2.3 (POST /api/v1/run/{c}/{t}: multipart only; init_params a JSON string, `files`
#   repeatable, legacy bakery_host) and §2.5 (POST /api/v1/sandbox/upload: field `files`, repeatable).
# - The FastAPI types are our reading of those [I]: `files: List[UploadFile] = File(None)` on the run,
#   `files: List[UploadFile] = File(...)` on the upload, every other field a `str` Form field.
import hashlib
from typing import List, Optional

from fastapi import FastAPI, File, Form, Request, UploadFile

app = FastAPI()
received = {}


async def describe(request: Request, files: Optional[List[UploadFile]]):
    form = await request.form()  # Starlette parsed it once for FastAPI; this reads the same parts
    parts = [[name, "file" if hasattr(value, "filename") else "text"] for name, value in form.multi_items()]
    out = []
    for f in files or []:
        data = await f.read()
        out.append({"filename": f.filename, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})
    return {"parts": parts, "files": out}


@app.get("/health")
def health():
    return {"ok": True}


@app.post("/api/v1/run/{collection}/{task}")
async def run(
    request: Request,
    collection: str,
    task: str,
    init_params: str = Form(...),
    files: List[UploadFile] = File(None),
    use_trial_keys: Optional[str] = Form(None),
    secret_params: Optional[str] = Form(None),
    subscription_credential: Optional[str] = Form(None),
    webhook_url: Optional[str] = Form(None),
    webhook_secret: Optional[str] = Form(None),
    bakery_host: Optional[str] = Form(None),
):
    got = await describe(request, files)
    got["init_params"] = init_params
    got["use_trial_keys"] = use_trial_keys
    got["webhook_url"] = webhook_url
    got["has_secret_params"] = secret_params is not None  # never echoed
    received["run"] = got
    return {"message": "started", "workflow_id": f"{collection}-{task}--0123abcd", "result": {},
            "trajectory": {}, "metadata": ""}


@app.post("/api/v1/sandbox/upload")
async def upload(request: Request, files: List[UploadFile] = File(...), collection: Optional[str] = Form(None)):
    got = await describe(request, files)
    received["upload"] = got
    prefix = (collection or "contract") + "/_sandbox_uploads/feedc0de/"
    return {"upload_id": "feedc0de", "file_paths": [prefix + f.filename for f in files], "count": len(files)}


@app.get("/__received/{what}")
def last(what: str):
    return received.get(what, {})
