import { abortableSleep } from "../../../components/contract";

describe("abortableSleep", () => {
  it("resolves after the delay and leaves no listener on the signal", async () => {
    const ac = new AbortController();
    const removed = jest.spyOn(ac.signal, "removeEventListener");
    await abortableSleep(5, ac.signal);
    expect(removed).toHaveBeenCalledWith("abort", expect.any(Function));
  });

  it("rejects at once when aborted, before or during the wait", async () => {
    const before = new AbortController();
    before.abort();
    await expect(abortableSleep(10_000, before.signal)).rejects.toThrow("aborted");
    const during = new AbortController();
    const p = abortableSleep(10_000, during.signal);
    during.abort();
    await expect(p).rejects.toThrow("aborted");
  });
});
