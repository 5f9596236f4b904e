"""The API as an MCP tool: what an AI assistant sees and gets, through the `mcp` client library.

launch(mcp_server=True) serves the @app.api endpoint as a tool at /gradio_api/mcp/ (streamable
HTTP). A tool takes files as an http(s) URL or a base64 data URI; the app refuses URLs
(security.py), so this test sends the photo inline, as a data URI.
"""

import asyncio
import base64
import io
from concurrent.futures import ThreadPoolExecutor

from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from PIL import Image


def call_mcp(server_url: str, work):
    """Connect to the app's MCP server, run `work(session)`, return what it returns."""

    async def main():
        async with streamable_http_client(f"{server_url}gradio_api/mcp/") as (read, write, _):
            async with ClientSession(read, write) as session:
                await session.initialize()
                return await work(session)

    # In a thread of its own: other tests' clients may leave an event loop running in this one.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, main()).result()


def test_the_endpoint_is_a_tool_described_for_a_model(server_url):
    tools = call_mcp(server_url, lambda session: session.list_tools())
    (tool,) = tools.tools
    assert tool.name == "remove_background"
    assert "transparent" in tool.description  # the docstring, written for a model to read
    assert "image_path" in tool.inputSchema["properties"]


def test_remove_background_through_mcp(server_url, make_photo):
    photo = make_photo(size=(400, 300), box=(100, 75, 300, 225), fmt="PNG", name="photo.png")
    data_uri = "data:image/png;base64," + base64.b64encode(photo.read_bytes()).decode()

    result = call_mcp(
        server_url,
        lambda session: session.call_tool("remove_background", {"image_path": data_uri}),
    )

    assert not result.isError, result.content
    image = next(part for part in result.content if part.type == "image")
    cutout = Image.open(io.BytesIO(base64.b64decode(image.data)))
    assert cutout.mode == "RGBA" and cutout.size == (400, 300)
    assert cutout.getpixel((200, 150))[3] == 255  # the bright box is the stand-in's subject
    assert cutout.getpixel((20, 20))[3] == 0  # the dark surround is background


def test_a_url_is_refused_through_mcp_too(server_url):
    """The app takes images as uploads, not URLs (security.py): MCP tools send the file inline."""
    url = "http://127.0.0.1:9/photo.png"
    result = call_mcp(
        server_url, lambda session: session.call_tool("remove_background", {"image_path": url})
    )
    assert result.isError
    assert "as uploads, not URLs" in " ".join(p.text for p in result.content if p.type == "text")
