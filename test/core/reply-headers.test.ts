/**
 * Quote headers of the common mail clients, in the languages of the vendor's EU markets and the
 * common world ones, written from the forms the clients produce (one scenario per form): the reply
 * is the new text only, and the header line lands in the quoted part.
 */
import { describe, expect, it } from "vitest";
import { extractReply } from "../../src/core/mail/reply-text.js";

const OWN = "Flex-fakturering är konfigurerad.";
const QUOTED_BODY = "Hej! Konfigurera Flex-fakturering och svara på detta mejl.";

interface HeaderCase {
  client: string;
  header: string[];
  /** Whether the quoted history below the header carries `>` marks. */
  angle?: boolean;
}

const headers: HeaderCase[] = [
  { client: "Gmail, English", header: ["On Thu, Nov 5, 2026 at 10:12 AM Activations <activations@example.com> wrote:"], angle: true },
  { client: "Gmail, English, wrapped over three lines", header: ["On Thu, Nov 5, 2026 at 10:12 AM Commissioning desk of the vendor <", "activations.eu@example.com", "> wrote:"], angle: true },
  { client: "Gmail, ISO date without a verb", header: ["2014-03-20 8:48 GMT+01:00 Activations <activations@example.com>:"], angle: true },
  { client: "Thunderbird, no colon after wrote", header: ["On 05/11/2026 10:12, Activations wrote"], angle: true },
  { client: "Zoho, dashes on both sides", header: ["---- On Thu, 05 Nov 2026 10:12:00 +0100 Activations <activations@example.com> wrote ----"] },
  { client: "a client with dashes before", header: ["------On Thu, 05 Nov 2026 10:12 Activations <activations@example.com> wrote:"] },
  { client: "Polymail's mailto form", header: ["On Thu, Nov 5, 2026 at 10:12 AM Activations <activations@example.com<mailto:activations@example.com>> wrote:"], angle: true },
  { client: "Apple Mail, Swedish", header: ["5 nov. 2026 kl. 10:12 skrev Aktiveringar <activations@example.com>:"], angle: true },
  { client: "Outlook for Mac, Danish", header: ["Den 5. nov. 2026 kl. 10.12 skrev Aktiveringar <activations@example.com>:"], angle: true },
  { client: "Norwegian", header: ["tor. 5. nov. 2026 kl. 10:12 skrev Aktiveringar <activations@example.com>:"], angle: true },
  { client: "Finnish", header: ["Aktiveringar <activations@example.com> kirjoitti 5.11.2026 kello 10.12:"], angle: true },
  { client: "German", header: ["Am 05.11.2026 um 10:12 schrieb Aktiveringar <activations@example.com>:"], angle: true },
  { client: "Dutch", header: ["Op 5 nov. 2026 om 10:12 heeft Aktiveringar <activations@example.com> het volgende geschreven:"], angle: true },
  { client: "French", header: ["Le jeu. 5 nov. 2026 à 10:12, Aktiveringar <activations@example.com> a écrit :"], angle: true },
  { client: "Spanish", header: ["El jue, 5 nov 2026 a las 10:12, Aktiveringar (<activations@example.com>) escribió:"], angle: true },
  { client: "Italian", header: ["Il giorno gio 5 nov 2026 alle ore 10:12 Aktiveringar <activations@example.com> ha scritto:"], angle: true },
  { client: "Portuguese", header: ["Em qui., 5 de nov. de 2026 às 10:12, Aktiveringar <activations@example.com> escreveu:"], angle: true },
  { client: "Polish", header: ["Dnia 5.11.2026 o 10:12 Aktiveringar <activations@example.com> napisał(a):"], angle: true },
  { client: "Polish, Gmail", header: ["czw., 5 lis 2026 o 10:12 Aktiveringar <activations@example.com> napisał:"], angle: true },
  { client: "Czech", header: ["Dne 5. 11. 2026 10:12 Aktiveringar <activations@example.com> napsal(a):"], angle: true },
  { client: "Russian, Gmail without a verb", header: ["чт, 5 нояб. 2026 г. в 10:12, Aktiveringar <activations@example.com>:"], angle: true },
  { client: "Russian, Yandex", header: ["05.11.2026, 10:12, \"Aktiveringar\" <activations@example.com> написал(а):"], angle: true },
  { client: "Russian, pishet", header: ["5 ноября 2026 г., в 10:12, Aktiveringar <activations@example.com> пишет:"], angle: true },
  { client: "Japanese Apple Mail", header: ["2016/11/08 14:26、Aktiveringar <activations@example.com> のメッセージ:"], angle: true },
  { client: "Japanese Gmail", header: ["2026年11月5日(木) 10:12 Aktiveringar <activations@example.com>:"], angle: true },
  { client: "Chinese Gmail", header: ["Aktiveringar <activations@example.com> 于2026年11月5日周四 10:12写道："], angle: true },
  { client: "Chinese, traditional", header: ["Aktiveringar <activations@example.com> 於 2026年11月5日 週四 上午10:12 寫道："], angle: true },
];

const headerBlocks: { client: string; lines: string[] }[] = [
  { client: "Outlook, Portuguese", lines: ["De: Aktiveringar <activations@example.com>", "Enviada em: quinta-feira, 5 de novembro de 2026 10:12", "Para: Anna", "Assunto: [ACT-123456] Aktivering"] },
  { client: "Outlook, Spanish", lines: ["De: Aktiveringar <activations@example.com>", "Enviado el: jueves, 5 de noviembre de 2026 10:12", "Para: Anna", "Asunto: [ACT-123456] Aktivering"] },
  { client: "Outlook, Polish", lines: ["Od: Aktiveringar <activations@example.com>", "Wysłano: czwartek, 5 listopada 2026 10:12", "Do: Anna", "Temat: [ACT-123456] Aktivering"] },
  { client: "Outlook, Czech", lines: ["Od: Aktiveringar <activations@example.com>", "Odesláno: čtvrtek 5. listopadu 2026 10:12", "Komu: Anna", "Předmět: [ACT-123456] Aktivering"] },
  { client: "Outlook, Russian", lines: ["От: Aktiveringar <activations@example.com>", "Отправлено: 5 ноября 2026 г. 10:12", "Кому: Anna", "Тема: [ACT-123456] Aktivering"] },
  { client: "Outlook, Japanese", lines: ["差出人: Aktiveringar <activations@example.com>", "送信日時: 2026年11月5日 10:12", "宛先: Anna", "件名: [ACT-123456] Aktivering"] },
  { client: "Outlook, Chinese", lines: ["发件人: Aktiveringar <activations@example.com>", "发送时间: 2026年11月5日 10:12", "收件人: Anna", "主题: [ACT-123456] Aktivering"] },
  { client: "Foxmail, full-width colons", lines: ["发件人：Aktiveringar <activations@example.com>", "发送时间：2026年11月5日(星期四) 上午10:12", "收件人：Anna", "主题：[ACT-123456] Aktivering"] },
];

const separators = [
  "-------- Mensagem original --------",
  "-----Oryginalna wiadomość-----",
  "---------- Původní zpráva ----------",
  "-------- Исходное сообщение --------",
  "-------- Пересылаемое сообщение --------",
  "-------- 元のメッセージ --------",
  "------------------ 原始邮件 ------------------",
  "---------- Forwarded message ---------",
  "Begin forwarded message:",
  "-------- Weitergeleitete Nachricht --------",
];

describe("quote headers of every common client", () => {
  for (const { client, header, angle } of headers) {
    it(`keeps only the new text above a ${client} attribution`, () => {
      const quoted = angle ? `> ${QUOTED_BODY}` : QUOTED_BODY;
      const parts = extractReply([OWN, "", ...header, quoted].join("\n"));
      expect(parts.reply).toBe(OWN);
      expect(parts.quoted).toContain(QUOTED_BODY);
    });
  }

  for (const { client, lines } of headerBlocks) {
    it(`cuts at a ${client} header block`, () => {
      const parts = extractReply([OWN, "", ...lines, "", QUOTED_BODY].join("\n"));
      expect(parts.reply).toBe(OWN);
      expect(parts.quoted).toContain(lines[0]);
    });
  }

  for (const line of separators) {
    it(`cuts at the separator "${line.replace(/-+/g, "").trim()}" (forwarded or original mail written as text)`, () => {
      const parts = extractReply([OWN, "", line, "From: Aktiveringar <activations@example.com>", QUOTED_BODY].join("\n"));
      expect(parts.reply).toBe(OWN);
    });
  }

  it("keeps inline answers written between quoted blocks under a Polish attribution", () => {
    const text = ["Dnia 5.11.2026 o 10:12 Aktiveringar <activations@example.com> napisał(a):", "> Är Flex-fakturering klar?", "Ja, klar.", "> Vilka öppettider?", "Dygnet runt."].join("\n");
    expect(extractReply(text).reply).toBe("Ja, klar.\nDygnet runt.");
  });

  it("keeps prose that mentions writing and a time but is no attribution", () => {
    for (const prose of [
      "Jag skrev till elektrikern kl. 10:12 igår, och han kommer på måndag.",
      "On Monday I wrote to the electrician",
      "Ring mig 10:12 eller mejla mig.",
    ]) {
      expect(extractReply(`${prose}\n\n${OWN}`).reply).toBe(`${prose}\n\n${OWN}`);
    }
  });

  it("keeps a bottom-posted answer below the quoted history", () => {
    const text = ["Am 05.11.2026 um 10:12 schrieb Aktiveringar <activations@example.com>:", `> ${QUOTED_BODY}`, "", OWN].join("\n");
    expect(extractReply(text).reply).toBe(OWN);
  });
});
