package io.doorstep.client.devices;

import io.doorstep.protocol.Devices;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.smartcardio.Card;
import javax.smartcardio.CardException;
import javax.smartcardio.CardTerminal;
import javax.smartcardio.CommandAPDU;
import javax.smartcardio.ResponseAPDU;
import javax.smartcardio.TerminalFactory;

/**
 * A PC/SC card reader through {@code javax.smartcardio}. What standard Java allows: find the reader, see a card
 * arrive, and talk ISO 7816-4 to it. What it does not: the second-generation resident ID card is read through a
 * security access module (SAM) inside certified readers, with a dialogue the Ministry of Public Security does not
 * publish; a plain PC/SC reader cannot decrypt the identity record. So {@link #read} proves a card is there (it
 * selects the master file with a standard APDU) and then fails clearly, naming what is missing; certified readers
 * come with a vendor SDK, which is the adapter to write for them (implement {@link IdCardReader}).
 */
public final class SmartCardIdReader implements IdCardReader {
    /** SELECT the master file 3F00: an ISO 7816-4 command every card answers one way or another. */
    private static final CommandAPDU SELECT_MF = new CommandAPDU(0x00, 0xA4, 0x00, 0x00, new byte[] {0x3F, 0x00});

    private final CardTerminal terminal;

    public SmartCardIdReader(CardTerminal terminal) {
        this.terminal = terminal;
    }

    /** The first PC/SC reader of this machine, if there is one (and a PC/SC service to ask). */
    public static Optional<SmartCardIdReader> first() {
        return terminals().stream().findFirst().map(SmartCardIdReader::new);
    }

    private static List<CardTerminal> terminals() {
        try {
            return TerminalFactory.getDefault().terminals().list();
        } catch (CardException | RuntimeException e) {
            return List.of(); // no PC/SC service (pcscd) or library: no readers
        }
    }

    @Override
    public Devices.Health health() {
        try {
            terminal.isCardPresent();
            return new Devices.Health(kind(), Devices.State.READY, model(), null);
        } catch (CardException e) {
            return new Devices.Health(kind(), Devices.State.ERROR, model(), "PC/SC: " + e.getMessage());
        }
    }

    @Override
    public Devices.IdCard read(Duration timeout) throws DeviceException {
        Card card = null;
        try {
            if (!terminal.waitForCardPresent(Math.max(1, timeout.toMillis()))) {
                throw new DeviceException("no card on the reader within " + timeout.toSeconds() + " s");
            }
            card = terminal.connect("*");
            ResponseAPDU answer = card.getBasicChannel().transmit(SELECT_MF);
            throw new DeviceException("a card is present (SELECT MF answered SW " + HexFormat.of().toHexDigits(
                    (short) answer.getSW()) + ") but the resident ID card's identity record is read through a"
                    + " certified reader's security module (SAM) with a proprietary dialogue that PC/SC alone cannot"
                    + " speak: use the reader vendor's SDK as the IdCardReader");
        } catch (CardException e) {
            throw new DeviceException("PC/SC reader failed: " + e.getMessage(), e);
        } finally {
            disconnect(card);
        }
    }

    private String model() {
        String name = terminal.getName();
        return name.length() <= 64 ? name : name.substring(0, 64);
    }

    private static void disconnect(Card card) {
        if (card != null) {
            try {
                card.disconnect(false);
            } catch (CardException e) {
                // the card was pulled out: nothing to release
            }
        }
    }
}
